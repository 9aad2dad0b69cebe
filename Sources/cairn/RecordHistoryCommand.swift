import ArgumentParser
import CairnControl

/// `cairn record history`: the deltas that changed a record.
struct RecordHistoryCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "history",
        abstract: "Show the signed changes that made a record, oldest first.",
        discussion: """
            Lists every delta that touched the record: its author device, level, stream \
            sequence number, time and the operations it made on this record (set type, set or \
            remove a field, add or remove a tag, delete). Each delta is signed by its author, so \
            this is who really wrote what.

            Examples:
              cairn record history r-123
              cairn record history r-123 --json
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

    @Flag(name: .long, help: "Print the API's JSON array (pretty, sorted keys).")
    var json = false

    func run() throws {
        let entries = try connection.client.history(id: id, level: level)
        if json { return try Output.json(entries) }
        if entries.isEmpty { return Output.line("No history.") }
        for entry in entries {
            let delta = entry.delta.prefix(16)
            Output.line("\(entry.at)  \(entry.author.by)  \(entry.level) #\(entry.sequence)  delta \(delta)…")
            for operation in entry.operations {
                Output.line("    " + Self.describe(operation).replacingOccurrences(of: "\n", with: "\n      "))
            }
        }
    }

    static func describe(_ operation: OperationDocument) -> String {
        switch operation {
        case .setType(let type): return "set type \(type)"
        case .setField(let field, let value): return "set \(field) = \((try? ControlJSON.compactText(value)) ?? "?")"
        case .removeField(let field): return "remove \(field)"
        case .addTag(let tag): return "tag +\(tag)"
        case .removeTag(let tag): return "tag -\(tag)"
        case .delete: return "delete"
        case .reclassify(let from): return "reclassify from \(from)"
        case .withdraw(let reason): return "withdraw (\(reason))"
        }
    }
}
