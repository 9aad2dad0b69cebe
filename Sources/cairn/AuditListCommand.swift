import ArgumentParser
import CairnControl

/// `cairn audit list`: audit entries, oldest first.
struct AuditListCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "list",
        abstract: "List audit entries, oldest first.",
        discussion: """
            Each entry shows its sequence number, time, kind (record.put, record.delete, \
            control.forbidden, keys.epoch_created, store.delta_quarantined, daemon.started), \
            who acted (uid:N or daemon) and its details. Record ids and contents never appear: \
            a write names its delta, which `cairn record history` shows.

            Examples:
              cairn audit list
              cairn audit list --after 250 --limit 50 --json
            """)

    @OptionGroup var connection: ConnectionOptions

    @Option(help: "Show entries after this sequence number.")
    var after: Int64 = 0

    @Option(help: "Show at most this many entries (1-10000).")
    var limit: Int = 1000

    @OptionGroup var layout: TableOptions

    @Flag(name: .long, help: "Print the API's JSON array (pretty, sorted keys).")
    var json = false

    func validate() throws {
        guard after >= 0 else { throw ValidationError("--after must be 0 or more") }
        guard (1...10_000).contains(limit) else { throw ValidationError("--limit must be between 1 and 10000") }
    }

    func run() throws {
        let entries = try connection.client.auditEntries(after: after, limit: limit)
        if json { return try Output.json(entries) }
        if entries.isEmpty { return Output.line("No audit entries after \(after).") }
        Output.table(Self.table(entries), width: layout.width)
    }

    /// The entries as a table whose details wrap, whole, to fit; times as ISO 8601 UTC.
    static func table(_ entries: [AuditEntryDocument]) -> TextTable {
        TextTable(
            [.init("SEQ"), .init("AT"), .init("KIND"), .init("ACTOR"), .init("DETAIL", fit: .wrap)],
            rows: entries.map { [String($0.seq), $0.at, $0.kind, $0.actor, Format.auditDetail($0.detail)] })
    }
}
