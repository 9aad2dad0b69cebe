import CairnModel
import CairnStore
import Foundation

/// A break of the audit log's tail, found but not recorded yet: what the log should have
/// reached, where it was seen, and why. `entry(after:)` makes the `audit.chain_break` entry
/// once the entry actually found last is known (inside the group or start-up that records it).
struct AuditTailBreak: Sendable {
    var expected: AuditPosition?
    var source: AuditBreak.Source
    var reason: String

    /// The chain break entry chained from `found`, and the break it records.
    func entry(after found: AuditPosition?, at: Int64 = Self.now()) -> (row: AuditRow, recorded: AuditBreak) {
        let row = AuditChain.breakEntry(found: found, expected: expected, source: source, reason: reason, at: at)
        return (row, AuditBreak(seq: row.seq, hash: row.hash, at: at, source: source, expected: expected, found: found, reason: reason))
    }

    static func now() -> Int64 { Int64(Date().timeIntervalSince1970 * 1000) }
}

/// The check of the audit log's tail against the anchor file, at start, before anything is
/// appended. Cheap (the last entry and one lookup), so it runs before the daemon serves: the
/// break must be recorded before the start-up's own entries chain to the shortened log.
struct AuditStartCheck {
    let database: CairnDatabase
    let anchor: AuditAnchor

    /// The break to record first; nil when the log reaches the anchored head (the anchor may lag
    /// the log by the last group before a crash: that is not a break).
    func run() throws -> AuditTailBreak? {
        let head = try database.auditHead()
        switch anchor.read() {
        case .missing:
            // A store that never had an anchor (made by an earlier version) gets its first one
            // after this start; one that had an anchor lost it.
            guard try database.meta(AuditAnchor.writtenMetaKey) != nil else { return nil }
            return AuditTailBreak(
                expected: nil, source: .anchor,
                reason: "the anchor file is missing, so the log's tail cannot be checked (entries may have been removed)")
        case .unreadable(let why):
            return AuditTailBreak(
                expected: nil, source: .anchor, reason: "the anchor file is unreadable (\(why)), so the log's tail cannot be checked")
        case .head(let anchored):
            // `read` keeps only heads this device signed.
            let expected = (seq: Int64(anchored.seq), hash: anchored.hash)
            guard let entry = try database.auditEntry(seq: expected.seq) else {
                return AuditTailBreak(
                    expected: expected, source: .anchor,
                    reason: "the log ends at entry \(head?.seq ?? 0), before the anchored head \(expected.seq): entries were removed")
            }
            guard entry.hash == expected.hash else {
                return AuditTailBreak(
                    expected: expected, source: .anchor, reason: "entry \(expected.seq) is not the one anchored: entries were replaced")
            }
            return nil
        }
    }
}
