import CairnModel
import CairnStore

/// Stored rows read ahead for a run of deltas to apply in one group, and the changes already
/// opened: the apply path then reads nothing per delta. Only the store as of the group's start
/// is here; what the group itself writes (`WriteContext.pending`, its withdrawals) is checked
/// first, as it is without a prefetch.
struct Prefetched {
    /// Row keys read ahead: a key here without a record has none stored.
    private(set) var covered: Set<[UInt8]> = []
    private(set) var records: [[UInt8]: RecordRow] = [:]
    private(set) var withdrawals: [[UInt8]: [RecordWithdrawalRow]] = [:]
    /// Changes opened ahead, by delta id (taken once by the apply step).
    var opened: [[UInt8]: Change] = [:]

    /// Adds what was read for `keys`.
    mutating func add(keys: [[UInt8]], records: [RecordRow], withdrawals: [RecordWithdrawalRow]) {
        covered.formUnion(keys)
        for row in records { self.records[row.key] = row }
        for row in withdrawals { self.withdrawals[row.recordKey, default: []].append(row) }
    }

    /// The stored record of `key`: `.some(nil)` when read ahead and absent, nil when not read.
    func record(_ key: [UInt8]) -> RecordRow?? {
        covered.contains(key) ? .some(records[key]) : nil
    }

    /// The stored withdrawals of `key`, nil when not read ahead.
    func withdrawals(of key: [UInt8]) -> [RecordWithdrawalRow]? {
        covered.contains(key) ? withdrawals[key] ?? [] : nil
    }

    /// Forgets everything (after the run it was read for).
    mutating func clear() { self = Prefetched() }
}
