import ArgumentParser
import CairnControl

/// `cairn record get`: one record, with its conflicts.
struct RecordGetCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "get",
        abstract: "Show one record, its fields, tags and conflicts.",
        discussion: """
            Shows the record with the given id, deleted or not. When concurrent writes to a \
            field came from different sites, the winning value is shown with each losing value \
            after it, for example:
              title: Convoy halted (conflict: Convoy stopped by bravo/hq at
                2026-11-25T17:04:00.000Z)
            Writing the field again (cairn record put --id ID --field \
            title=...) resolves it.

            --json prints the record document, which `cairn record put --from` accepts back.

            Examples:
              cairn record get r-123
              cairn record get r-123 --json
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

    @Flag(name: .long, help: "Print the API's JSON document (pretty, sorted keys).")
    var json = false

    func run() throws {
        let record = try connection.client.getRecord(id: id, level: level)
        if json { return try Output.json(record) }
        RecordRendering.show(record)
    }
}

/// The human rendering of a record.
enum RecordRendering {
    static func show(_ record: RecordDocument) {
        var pairs: [(String, String)] = [
            ("id", record.id),
            ("type", record.type),
            ("classification", record.classification),
            ("tags", record.tags.isEmpty ? "-" : record.tags.joined(separator: ", ")),
            ("created", Format.stamp(record.created)),
            ("updated", Format.stamp(record.updated)),
        ]
        if let deleted = record.deleted { pairs.append(("deleted", Format.stamp(deleted))) }
        if let others = record.alsoHeldAt {
            pairs.append(("also held at", others.joined(separator: ", ") + " (another record with this id; see --class)"))
        }
        Output.pairs(pairs)
        Output.line("fields:")
        if record.fields.isEmpty && record.conflicts.isEmpty { Output.line("  (none)") }
        let names = Set(record.fields.keys).union(record.conflicts.keys).sorted()
        for name in names {
            Output.line("  " + fieldLine(name, record.fields[name], record.conflicts[name] ?? []))
        }
    }

    /// `name: value (conflict: other by who at when)`; continuation lines of multi-line text are indented.
    static func fieldLine(_ name: String, _ value: JSONValue?, _ conflicts: [ConflictDocument]) -> String {
        var text = "\(name): " + (value.map(Format.value) ?? "(removed)")
        if !conflicts.isEmpty {
            let shown = conflicts.map { conflict in
                (conflict.value == .null ? "removed" : Format.value(conflict.value))
                    + " by \(conflict.by) at \(conflict.at)"
            }
            text += " (\(conflicts.count == 1 ? "conflict" : "conflicts"): \(shown.joined(separator: "; ")))"
        }
        return text.replacingOccurrences(of: "\n", with: "\n    ")
    }
}
