import ArgumentParser

/// `--wide`, for the commands that print tables (`TextTable`).
struct TableOptions: ParsableArguments {
    @Flag(name: .long, help: "Show every column and every cell whole, however wide the table gets.")
    var wide = false

    /// The width to fit tables to: `TextTable.defaultWidth`, or none with `--wide`.
    var width: Int? { wide ? nil : TextTable.defaultWidth }
}
