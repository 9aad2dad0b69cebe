import ArgumentParser
import CairnControl

/// `cairn record list`: the records matching filters.
struct RecordListCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "list",
        abstract: "List records, optionally filtered by level, type, tag and deletion.",
        discussion: """
            Lists the records the daemon holds at levels up to its clearance, sorted by id, as a \
            table of id, type, classification, last update and a summary (the title, name or \
            summary field, else the first field). Filters combine: a record must match all. \
            --conflicts keeps the records with a field whose concurrent writes are still \
            unresolved (`cairn record get ID` shows them; writing the field resolves them). The \
            table fits 100 columns by cutting the summary, and then leaving out the time of the \
            last update; --wide shows both (the summary up to 48 characters).

            Examples:
              cairn record list
              cairn record list --class SECRET --type incident --tag north
              cairn record list --deleted only
              cairn record list --conflicts
              cairn record list --json | jq -r '.[].id'
            """)

    @OptionGroup var connection: ConnectionOptions

    @Option(
        name: .customLong("class"), help: ArgumentHelp("Only records of this classification level.", valueName: "level")
    )
    var classification: String?

    @Option(name: .long, help: ArgumentHelp("Only records of this type.", valueName: "type"))
    var type: String?

    @Option(name: .long, help: ArgumentHelp("Only records with this tag.", valueName: "tag"))
    var tag: String?

    @Option(
        name: .long,
        help: ArgumentHelp("Include deleted records (include) or show only them (only).", valueName: "include|only"))
    var deleted: DeletedChoice?

    @Flag(name: .long, help: "Only records with unresolved conflicts.")
    var conflicts = false

    @OptionGroup var layout: TableOptions

    @Flag(name: .long, help: "Print the API's JSON array (pretty, sorted keys).")
    var json = false

    enum DeletedChoice: String, ExpressibleByArgument, CaseIterable {
        case include, only
    }

    func run() throws {
        let filter = deleted.map { DeletedFilter(rawValue: $0.rawValue)! }
        let records = try connection.client.listRecords(
            class: classification, type: type, tag: tag, deleted: filter, conflicts: conflicts ? true : nil)
        if json { return try Output.json(records) }
        if records.isEmpty { return Output.line(conflicts ? "No records with unresolved conflicts." : "No records.") }
        Output.table(Self.table(records), width: layout.width)
    }

    /// Ids are never cut (they are what a user copies); a long type is, and the time of the
    /// update goes first, then the summary, so that even ids of 64 characters fit 100 columns.
    static func table(_ records: [RecordDocument]) -> TextTable {
        TextTable(
            [
                .init("ID"), .init("TYPE", fit: .cut), .init("CLASS"), .init("UPDATED", dropRank: 2),
                .init("SUMMARY", fit: .cut, dropRank: 1),
            ],
            rows: records.map { [$0.id, $0.type, $0.classification, $0.updated.at, Self.summary($0)] })
    }

    /// A title-ish cell: a well-known descriptive field, else the first field, with markers.
    static func summary(_ record: RecordDocument) -> String {
        var markers: [String] = []
        if record.isDeleted { markers.append("[deleted]") }
        if !record.conflicts.isEmpty { markers.append("[conflict]") }
        var text = ""
        if let name = ["title", "name", "summary", "subject"].first(where: { record.fields[$0] != nil }) {
            text = Format.value(record.fields[name]!)
        } else if let name = record.fields.keys.sorted().first {
            text = "\(name)=\(Format.value(record.fields[name]!))"
        }
        return (markers + [Format.cell(text)]).filter { !$0.isEmpty }.joined(separator: " ")
    }
}
