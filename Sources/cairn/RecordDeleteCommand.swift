import ArgumentParser
import CairnControl

/// `cairn record delete`: delete one record.
struct RecordDeleteCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "delete",
        abstract: "Delete a record.",
        discussion: """
            Deletes the record with the given id at every site, as a signed operation like any \
            other edit. A deleted record stays listable (cairn record list --deleted only) and \
            its history stays readable, but it can no longer be written.

            Examples:
              cairn record delete r-123
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

    @Flag(name: .long, help: "Print the deleted record's JSON document.")
    var json = false

    func run() throws {
        let record = try connection.client.deleteRecord(id: id, level: level)
        if json { return try Output.json(record) }
        Output.line("deleted \(record.id)")
    }
}
