import CairnModel
import CairnStore

/// Every chain break recorded in the audit log and which of them an administrator has
/// acknowledged. Rebuilt from the log's break and acknowledgement entries at every start (so an
/// unacknowledged break survives restarts) and moved by every commit group that records one.
struct AuditBreakLedger: Sendable {
    private(set) var breaks: [Int64: AuditBreak] = [:]
    /// The valid acknowledgement of each acknowledged break, by break sequence number.
    private(set) var acknowledgements: [Int64: AuditAcknowledgement] = [:]
    /// Acknowledgement entries that name no recorded break or whose signature does not verify
    /// (made outside the daemon): reported by `verify`, and they acknowledge nothing.
    private(set) var invalidAcknowledgements: [Int64] = []

    init() {}

    /// The ledger of `rows` (break and acknowledgement entries in log order), acknowledgements
    /// checked against `device`'s signing key.
    init(rows: [AuditRow], device: DeviceID) {
        for row in rows {
            if let found = AuditBreak(row) {
                breaks[found.seq] = found
            } else if let acknowledgement = AuditAcknowledgement(row) {
                // Only a break recorded before it can be acknowledged.
                if let target = breaks[acknowledgement.breakSeq], acknowledgement.isValid(for: target, device: device) {
                    if acknowledgements[target.seq] == nil { acknowledgements[target.seq] = acknowledgement }
                } else {
                    invalidAcknowledgements.append(row.seq)
                }
            }
        }
    }

    /// Breaks not acknowledged yet, oldest first.
    var unacknowledged: [AuditBreak] {
        breaks.values.filter { acknowledgements[$0.seq] == nil }.sorted { $0.seq < $1.seq }
    }

    /// Every break, oldest first.
    var all: [AuditBreak] { breaks.values.sorted { $0.seq < $1.seq } }

    mutating func record(_ found: AuditBreak) { breaks[found.seq] = found }

    /// Drops a break recorded in a group that is being chained again (it is recorded anew).
    mutating func forget(_ found: AuditBreak) {
        if breaks[found.seq]?.hash == found.hash { breaks[found.seq] = nil }
    }

    mutating func acknowledge(_ acknowledgement: AuditAcknowledgement) {
        acknowledgements[acknowledgement.breakSeq] = acknowledgement
    }

    /// Whether a recorded break already accounts for a witnessed head `(seq, hash)` that the log
    /// does not hold: the head is one the break expected, or its sequence number is one the
    /// break skipped (an entry of the lost tail).
    func explains(seq: Int64, hash: [UInt8]) -> Bool {
        breaks.values.contains { found in
            if let expected = found.expected, expected.seq == seq, expected.hash == hash { return true }
            return found.lost(seq)
        }
    }
}
