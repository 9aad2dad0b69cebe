import CairnCrypto
import CairnModel
import CairnStore
import Foundation

/// An entry of the audit log: its sequence number and hash.
typealias AuditPosition = (seq: Int64, hash: [UInt8])

/// A break found in the audit log's tail: the log did not end where something trustworthy
/// said it had reached (the anchor file, the daemon's own memory, or a peer's signed copy of
/// the head). Recorded as an `audit.chain_break` entry chained from the entry actually found
/// last, whose sequence number skips past every one the lost tail may have used, so no number
/// is ever used twice for different entries.
struct AuditBreak: Hashable, Sendable {
    /// Where the break was seen.
    enum Source: Hashable, Sendable, CustomStringConvertible {
        /// At start, against the anchor file.
        case anchor
        /// While running: the table no longer ended at the entry the daemon wrote last.
        case running
        /// A peer's signed copy of this site's head.
        case peer(String)

        var description: String {
            switch self {
            case .anchor: return "anchor"
            case .running: return "daemon"
            case .peer(let ref): return "peer:\(ref)"
            }
        }

        init(_ text: String) {
            switch text {
            case "anchor": self = .anchor
            case "daemon": self = .running
            default: self = .peer(text.hasPrefix("peer:") ? String(text.dropFirst(5)) : text)
            }
        }
    }

    /// The chain break entry's own sequence number and hash (what an acknowledgement names).
    var seq: Int64
    var hash: [UInt8]
    /// When it was recorded, milliseconds since the Unix epoch.
    var at: Int64
    var source: Source
    /// The head the log should have reached (nil when unknown: the anchor file was missing or
    /// unreadable).
    var expected: AuditPosition?
    /// The entry actually found last (nil: the log was empty).
    var found: AuditPosition?
    /// Why, in a sentence.
    var reason: String

    /// Sequence numbers strictly between `found` and the break entry are the lost ones: a
    /// witness naming one of them is explained by this break.
    func lost(_ seq: Int64) -> Bool { seq > (found?.seq ?? 0) && seq < self.seq }

    /// The sequence number a break entry takes: past the expected head and the entry found.
    static func sequence(expected: Int64?, found: Int64?) -> Int64 { max(expected ?? 0, found ?? 0) + 1 }

    /// The entry's detail object (strings only, stable keys: the hash covers its bytes).
    static func detail(source: Source, expected: AuditPosition?, found: AuditPosition?, reason: String) -> [String: String] {
        [
            "source": "\(source)", "reason": reason,
            "expectedSeq": expected.map { "\($0.seq)" } ?? "", "expectedHash": expected.map { Hex.encode($0.hash) } ?? "",
            "foundSeq": "\(found?.seq ?? 0)", "foundHash": found.map { Hex.encode($0.hash) } ?? "",
        ]
    }

    static func == (lhs: AuditBreak, rhs: AuditBreak) -> Bool {
        lhs.seq == rhs.seq && lhs.hash == rhs.hash
    }

    func hash(into hasher: inout Hasher) {
        hasher.combine(seq)
        hasher.combine(hash)
    }

    /// Reads a stored `audit.chain_break` entry; nil when its detail is not one (the chain
    /// check then reports the entry).
    init?(_ row: AuditRow) {
        guard row.kind == AuditRow.chainBreakKind, let fields = AuditDetail.fields(row.detail),
            let foundSeq = fields["foundSeq"].flatMap({ Int64($0) }), let foundHash = fields["foundHash"].flatMap(Hex.decodeOrNil)
        else { return nil }
        let expectedSeq = fields["expectedSeq"].flatMap { Int64($0) }
        let expectedHash = fields["expectedHash"].flatMap(Hex.decodeOrNil)
        seq = row.seq
        hash = row.hash
        at = row.at
        source = Source(fields["source"] ?? "")
        expected = expectedSeq.flatMap { seq in expectedHash.map { (seq, $0) } }
        found = foundSeq == 0 ? nil : (foundSeq, foundHash)
        reason = fields["reason"] ?? ""
    }

    init(
        seq: Int64, hash: [UInt8], at: Int64, source: Source, expected: AuditPosition?, found: AuditPosition?, reason: String
    ) {
        self.seq = seq
        self.hash = hash
        self.at = at
        self.source = source
        self.expected = expected
        self.found = found
        self.reason = reason
    }
}

/// Reading an entry's detail object back.
enum AuditDetail {
    /// The detail's string fields; nil when it is not a JSON object of strings.
    static func fields(_ detail: String) -> [String: String]? {
        guard let object = try? JSONSerialization.jsonObject(with: Data(detail.utf8)) as? [String: Any] else { return nil }
        var fields: [String: String] = [:]
        for (key, value) in object {
            guard let text = value as? String else { return nil }
            fields[key] = text
        }
        return fields
    }
}

extension Hex {
    /// Lowercase hex to bytes; nil for anything else (an empty string is no bytes).
    static func decodeOrNil(_ text: String) -> [UInt8]? {
        try? decode(text)
    }
}
