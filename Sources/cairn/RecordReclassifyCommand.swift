import ArgumentParser
import CairnControl

/// `cairn record reclassify`: move a record to another classification level.
struct RecordReclassifyCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "reclassify",
        abstract: "Move a record to a higher or lower classification level.",
        discussion: """
            Writes the record's current state at the new level and a signed tombstone at the \
            old one. Sites not cleared for the new level drop what they held of the record, \
            including the encrypted bodies of its old deltas. This device must be cleared for \
            both levels. Lowering a level is reserved by the charter (by default to the agency \
            that created the record).

            Examples:
              cairn record reclassify r-123 --class SECRET
              cairn record reclassify r-123 --class RESTRICTED --json
            """)

    @OptionGroup var connection: ConnectionOptions

    @Argument(help: ArgumentHelp("The record id.", valueName: "id"))
    var id: String

    @Option(name: .customLong("class"), help: ArgumentHelp("The new classification level.", valueName: "level"))
    var classification: String

    @Option(
        name: .long,
        help: ArgumentHelp(
            "The level of the record to move, when this site holds the id at several levels.", valueName: "level"))
    var from: String?

    @Flag(name: .long, help: "Print the record's JSON document.")
    var json = false

    func run() throws {
        let record = try connection.client.reclassifyRecord(id: id, to: classification, from: from)
        if json { return try Output.json(record) }
        Output.line("reclassified \(record.id) to \(record.classification)")
    }
}
