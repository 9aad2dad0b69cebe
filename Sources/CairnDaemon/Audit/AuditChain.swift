import CairnCrypto
import CairnStore
import Foundation

/// The hash chain of the audit log. Each entry's hash covers a domain label, its sequence
/// number, time, kind, actor and detail, and the previous entry's hash; so changing, removing or
/// reordering any entry breaks every hash from it on, and `verify` names the first broken entry.
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
    static func next(after head: (seq: Int64, hash: [UInt8])?, at: Int64, kind: String, actor: String, detail: String) -> AuditRow {
        let seq = (head?.seq ?? 0) + 1
        let previous = head?.hash ?? genesis
        return AuditRow(
            seq: seq, at: at, kind: kind, actor: actor, detail: detail, previous: previous,
            hash: hash(seq: seq, at: at, kind: kind, actor: actor, detail: detail, previous: previous))
    }

    /// What verification found.
    struct Verdict: Equatable {
        var entries: Int64 = 0
        var head: [UInt8] = AuditChain.genesis
        /// The first entry that breaks the chain, and why; nil when the chain holds.
        var broken: (seq: Int64, reason: String)?

        static func == (lhs: Verdict, rhs: Verdict) -> Bool {
            lhs.entries == rhs.entries && lhs.head == rhs.head && lhs.broken?.seq == rhs.broken?.seq
                && lhs.broken?.reason == rhs.broken?.reason
        }
    }

    /// Checks entries given in stored order; stops at the first break.
    static func verify(_ each: ((AuditRow) throws -> Bool) throws -> Void) rethrows -> Verdict {
        var verdict = Verdict()
        var expected: Int64 = 1
        try each { row in
            if row.seq != expected {
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
            expected += 1
            return true
        }
        return verdict
    }

    private static func bigEndian(_ value: UInt64) -> [UInt8] {
        withUnsafeBytes(of: value.bigEndian, Array.init)
    }

    /// A detail object as compact JSON with sorted keys (stable bytes for the hash).
    static func detail(_ fields: [String: String]) -> String {
        let data = (try? JSONSerialization.data(withJSONObject: fields, options: [.sortedKeys, .withoutEscapingSlashes])) ?? Data("{}".utf8)
        return String(decoding: data, as: UTF8.self)
    }
}
