import ArgumentParser
import CairnControl

/// `cairn record retract`: withdraw a record from every site.
struct RecordRetractCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "retract",
        abstract: "Retract a record: it is gone for every site.",
        discussion: """
            Writes a signed tombstone at the record's level. Every site that receives it drops \
            the record and the encrypted bodies of its deltas, keeping only the tombstone, so \
            that copies arriving later are dropped too. Unlike delete, this cannot be undone and \
            the id cannot be used again. Retracting is reserved like lowering a level (by \
            default to the agency that created the record).

            Examples:
              cairn record retract r-123 --reason "entered in error"
            """)

    @OptionGroup var connection: ConnectionOptions

    @Argument(help: ArgumentHelp("The record id.", valueName: "id"))
    var id: String

    @Option(
        name: .customLong("class"),
        help: ArgumentHelp(
            "Which record, when this site holds the id at several levels (records are named by id and level).",
            valueName: "level"))
    var level: String?

    @Option(name: .long, help: ArgumentHelp("Why the record is retracted (kept in the tombstone).", valueName: "text"))
    var reason: String

    @Flag(name: .long, help: "Print the result as JSON.")
    var json = false

    func run() throws {
        let result = try connection.client.retractRecord(id: id, reason: reason, level: level)
        if json { return try Output.json(result) }
        Output.line(
            "retracted \(result.id) from \(result.classification) (\(result.redacted) delta bodies dropped here)")
    }
}
