import CairnStore
import Foundation

/// Something the start-up did that belongs in the audit log (a quarantined delta, an epoch
/// key created, the start itself). Written before the site serves, so in order and alone.
struct StartupEvent {
    var kind: String
    var detail: [String: String]

    /// Appends `events` to the log, continuing its stored chain, after the entry recording
    /// `tailBreak` if there is one; returns the new head.
    static func record(
        _ events: [StartupEvent], after tailBreak: AuditTailBreak? = nil, in database: CairnDatabase
    ) throws -> (seq: Int64, hash: [UInt8])? {
        var head = try database.auditHead()
        var rows: [AuditRow] = []
        let now = Int64(Date().timeIntervalSince1970 * 1000)
        if let tailBreak {
            let row = tailBreak.entry(after: head, at: now).row
            rows.append(row)
            head = (row.seq, row.hash)
        }
        for event in events {
            let row = AuditChain.next(after: head, at: now, kind: event.kind, actor: "daemon", detail: AuditChain.detail(event.detail))
            rows.append(row)
            head = (row.seq, row.hash)
        }
        try database.appendAudit(rows)
        return head
    }
}
