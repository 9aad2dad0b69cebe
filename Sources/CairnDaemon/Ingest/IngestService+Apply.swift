import CairnCrypto
import CairnModel
import CairnProtocol
import CairnStore
import Foundation

/// Merging received RECORDS deltas into the records they touch (after `Site+Ingest` placed them
/// in their streams), with the records read ahead in runs.
extension IngestService {
    /// Deltas applied per read-ahead when a key unlocks a backlog.
    static let applyRun = 1_000

    /// Opens the RECORDS deltas among `deltas` whose key is held and reads ahead, in one read
    /// transaction, the stored records and withdrawals they touch. Without it (or when the read
    /// fails) the apply step reads them one by one, with the same result: a failure here only
    /// costs speed, and a store that stays broken fails the apply step's own reads.
    func prefetch(_ deltas: [SealedDelta], in context: inout WriteContext) {
        var keys: [[UInt8]] = []
        var seen: Set<[UInt8]> = []
        for delta in deltas where delta.header.kind == .records && !delta.isRedacted {
            // Harmless: a delta that does not open here is opened again (and reported) by `apply`.
            guard let epoch = delta.header.epoch, let key = context.keyring.key(level: delta.header.level, epoch: epoch),
                let change = try? delta.open(key: key)
            else { continue }
            context.prefetched.opened[delta.id] = change
            for operation in change.operations {
                let rowKey = rowKey(operation.record, level: change.level)
                if context.pending[rowKey] == nil, context.prefetched.record(rowKey) == nil, seen.insert(rowKey).inserted {
                    keys.append(rowKey)
                }
            }
        }
        do {
            let (records, withdrawals) = try database.prefetch(keys: keys)
            context.prefetched.add(keys: keys, records: records, withdrawals: withdrawals)
        } catch {
            logger.warning("store.prefetch_failed", metadata: .error(error))
        }
    }

    /// Merges a RECORDS delta's operations into the records it touches. A model error leaves the
    /// delta unapplied (logged); a store error fails the group.
    func apply(_ delta: SealedDelta, key: XChaCha20Poly1305.Key, in context: inout WriteContext) throws {
        // Stored, but written after its author's withdrawal: the withdrawal takes it out of the
        // store (`withdrawRetroactively`); it is never merged meanwhile.
        if withdrawal.writtenAfterWithdrawal(delta.header, in: context) { return }
        let change: Change
        do {
            change = try context.prefetched.opened.removeValue(forKey: delta.id) ?? delta.open(key: key)
        } catch {
            // Signed by a certified author, yet unreadable: kept (it is part of the chain) and
            // reported, never applied.
            logger.error("sync.delta_unreadable", metadata: .error(error, ["delta.level": "\(delta.header.level)"]))
            return
        }
        guard let (epoch, writeKey) = context.keyring.current(level: change.level) else { return }
        if case .withdraw = change.operations.first {
            try withdrawal.receiveWithdrawal(delta, change: change, in: &context)
            return
        }
        let now = Int64(Date().timeIntervalSince1970)
        var records: [RecordID: (state: RecordState, previous: RecordState?)] = [:]
        var skipped: Set<RecordID> = []
        var withdrawn = false
        for operation in change.operations {
            let id = operation.record
            if records[id] == nil, !skipped.contains(id) {
                // Store errors from here propagate: they fail the group.
                switch try withdrawal.admission(of: change, record: id, rowKey: rowKey(id, level: change.level), in: context) {
                case .apply(let state, let previous):
                    records[id] = (state, previous)
                case .withdrawn:
                    withdrawn = true
                    skipped.insert(id)
                case .refused(let reason):
                    withdrawal.refuseReclassification(delta, reason: reason, in: &context)
                    return
                }
            }
            guard !skipped.contains(id) else { continue }
            do {
                try records[id]!.state.apply(operation, stamp: change.stamp)
            } catch let error as ModelError {
                // The model refuses the change (the same at every site): kept, not applied.
                logger.warning("sync.delta_not_applied", metadata: .error(error, ["delta.level": "\(delta.header.level)"]))
                metrics.count("cairn_deltas_not_applied_total", [("reason", "invalid_change")])
                return
            }
        }
        if withdrawn {
            // Part of a record withdrawn from this level: its body is dropped on arrival.
            try withdrawal.redact(delta.id, level: change.level, in: &context)
        }
        for (id, record) in records {
            let key = rowKey(id, level: change.level)
            context.batch.redaction.removedRecords.remove(key)
            context.stage(record.state, rowKey: key, previous: record.previous, deltaID: delta.id, epoch: epoch, key: writeKey, at: now)
        }
    }
}
