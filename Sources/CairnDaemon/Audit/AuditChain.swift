import CairnCrypto
import CairnStore
import Foundation

/// The hash chain of the audit log. Each entry's hash covers a domain label, its sequence
/// number, time, kind, actor and detail, and the previous entry's hash; so changing, removing or
/// reordering any entry breaks every hash from it on, and `verify` names the first broken entry.
///
/// Sequence numbers are contiguous except at a chain break entry (`AuditBreak`), which chains
/// from the entry actually found last and skips the numbers of the lost tail; its detail names
/// that entry, and `verify` accepts the skip only when it does.
enum AuditChain {
    static let genesis = [UInt8](repeating: 0, count: 32)
    private static let domain = Array("cairn/v1/audit\0".utf8)

    static func hash(seq: Int64, at: Int64, kind: String, actor: String, detail: String, previous: [UInt8]) -> [UInt8] {
        let hasher = BLAKE2b.Hasher()
        hasher.update(domain)
        hasher.update(bigEndian(UInt64(bitPattern: seq)) + bigEndian(UInt64(bitPattern: at)))
        for field in [kind, actor, detail] {
            let bytes = Array(field.utf8)
            hasher.update(bigEndian(UInt64(bytes.count)) + bytes)
        }
        hasher.update(previous)
        return hasher.finalize()
    }

    /// The entry after `head` (nil: the first entry).
    static func next(after head: AuditPosition?, at: Int64, kind: String, actor: String, detail: String) -> AuditRow {
        let seq = (head?.seq ?? 0) + 1
        let previous = head?.hash ?? genesis
        return AuditRow(
            seq: seq, at: at, kind: kind, actor: actor, detail: detail, previous: previous,
            hash: hash(seq: seq, at: at, kind: kind, actor: actor, detail: detail, previous: previous))
    }

    /// The chain break entry after `found` (nil: an empty log) when the log should have reached
    /// `expected`: chained from `found`, numbered past both.
    static func breakEntry(
        found: AuditPosition?, expected: AuditPosition?, source: AuditBreak.Source, reason: String, at: Int64
    ) -> AuditRow {
        let seq = AuditBreak.sequence(expected: expected?.seq, found: found?.seq)
        let detail = detail(AuditBreak.detail(source: source, expected: expected, found: found, reason: reason))
        let previous = found?.hash ?? genesis
        return AuditRow(
            seq: seq, at: at, kind: AuditRow.chainBreakKind, actor: "daemon", detail: detail, previous: previous,
            hash: hash(seq: seq, at: at, kind: AuditRow.chainBreakKind, actor: "daemon", detail: detail, previous: previous))
    }

    /// What verification found.
    struct Verdict: Equatable {
        /// Entries that verified.
        var entries: Int64 = 0
        var head: [UInt8] = AuditChain.genesis
        /// The sequence number of the last entry that verified (0: none).
        var headSeq: Int64 = 0
        /// The first entry that breaks the chain, and why; nil when the chain holds.
        var broken: (seq: Int64, reason: String)?
        /// The chain break and acknowledgement entries passed, in order (for the ledger).
        var breakRows: [AuditRow] = []

        static func == (lhs: Verdict, rhs: Verdict) -> Bool {
            lhs.entries == rhs.entries && lhs.head == rhs.head && lhs.headSeq == rhs.headSeq
                && lhs.broken?.seq == rhs.broken?.seq && lhs.broken?.reason == rhs.broken?.reason && lhs.breakRows == rhs.breakRows
        }
    }

    /// Checks entries given in stored order; stops at the first break.
    static func verify(_ each: ((AuditRow) throws -> Bool) throws -> Void) rethrows -> Verdict {
        var verdict = Verdict()
        var expected: Int64 = 1
        try each { row in
            if row.seq != expected, !skipsLostTail(row, after: verdict) {
                verdict.broken = (expected, "entries \(expected)…\(row.seq - 1) are missing (removed)")
                return false
            }
            let recomputed = hash(seq: row.seq, at: row.at, kind: row.kind, actor: row.actor, detail: row.detail, previous: row.previous)
            guard ConstantTime.equals(recomputed, row.hash) else {
                verdict.broken = (row.seq, "its content does not match its hash (edited)")
                return false
            }
            guard ConstantTime.equals(row.previous, verdict.head) else {
                verdict.broken = (row.seq, "it does not follow the entry before it (an entry was edited, removed or reordered)")
                return false
            }
            verdict.entries += 1
            verdict.head = row.hash
            verdict.headSeq = row.seq
            if row.kind == AuditRow.chainBreakKind || row.kind == AuditRow.acknowledgementKind { verdict.breakRows.append(row) }
            expected = row.seq + 1
            return true
        }
        return verdict
    }

    /// Whether `row` is a chain break entry that skips exactly the numbers its detail accounts
    /// for: it names the entry before it as the one found, and takes the number after the
    /// expected head's.
    private static func skipsLostTail(_ row: AuditRow, after verdict: Verdict) -> Bool {
        guard row.seq > verdict.headSeq + 1, let found = AuditBreak(row) else { return false }
        guard found.found?.seq ?? 0 == verdict.headSeq, found.found?.hash ?? genesis == verdict.head else { return false }
        return row.seq == AuditBreak.sequence(expected: found.expected?.seq, found: found.found?.seq)
    }

    private static func bigEndian(_ value: UInt64) -> [UInt8] {
        withUnsafeBytes(of: value.bigEndian, Array.init)
    }

    /// A detail object as compact JSON with sorted keys (stable bytes for the hash; see
    /// `AuditDetail`).
    static func detail(_ fields: [String: String]) -> String {
        AuditDetail.encode(fields)
    }
}
