import CairnCrypto
import CairnModel
import CairnProtocol
import CairnStore
import Foundation

/// What recomputing a record did.
enum RecomputeOutcome {
    /// Not held here (or withdrawn earlier in the group), or equal to what it was.
    case unchanged
    /// Its state was replaced by the fold of the deltas that remain.
    case rebuilt
    /// Nothing that remains touches it: its row is dropped.
    case removed
}

extension WithdrawalService {
    /// Recomputes the record of `rowKey` from its history at its level, leaving out every delta
    /// at or beyond a stream's cut in `cuts`: what this site had applied, minus the withdrawn.
    ///
    /// The history is the deltas linked to the record (`record_delta`), those stored earlier and
    /// those this group stored, in the form this group leaves them (a delta redacted in the
    /// group is redacted here too). Only what this site could have applied is folded: a redacted
    /// delta, one whose key is not held, or one that does not open was never merged, so leaving
    /// it out keeps the record as every other site has it.
    func recompute(rowKey: [UInt8], cuts: [StreamID: UInt64], in context: inout WriteContext) throws -> RecomputeOutcome {
        if context.batch.redaction.removedRecords.contains(rowKey) { return .unchanged }
        let held: RecordState
        if let pending = context.pending[rowKey] {
            held = pending
        } else if let row = try storeRead(.revocation, { try database.record(key: rowKey) }) {
            held = try open(row, keyring: context.keyring)
        } else {
            return .unchanged
        }
        let level = held.level
        var envelopes: [[UInt8]: [UInt8]] = [:]
        for (id, envelope) in try storeRead(.revocation, { try database.recordDeltas(key: rowKey, level: level) }) {
            envelopes[id] = context.batch.redaction.envelopes[id] ?? envelope
        }
        let linkedInGroup = Set(context.batch.links.filter { $0.recordKey == rowKey }.map(\.deltaID))
        for delta in context.batch.deltas where delta.level == level && linkedInGroup.contains(delta.id) {
            envelopes[delta.id] = delta.envelope
        }
        var changes: [Change] = []
        for envelope in envelopes.values {
            let delta: SealedDelta
            do {
                delta = try SealedDelta.parse(envelope)
            } catch {
                throw SiteError.failed("a stored delta does not parse (\(error)); the store may be damaged")
            }
            if let cut = cuts[StreamID(author: delta.header.author, level: delta.header.level)], delta.header.sequence >= cut {
                continue
            }
            guard delta.header.kind == .records, !delta.isRedacted, let epoch = delta.header.epoch,
                let key = context.keyring.key(level: level, epoch: epoch)
            else { continue }
            // Harmless: a signed delta that does not open was never applied (ingest logs it as
            // `sync.delta_unreadable` and keeps it only for its chain), so the fold leaves it out
            // exactly as the incremental state did.
            guard let change = try? delta.open(key: key) else { continue }
            changes.append(change)
        }
        let rebuilt: RecordState?
        do {
            rebuilt = try RecordRebuild.state(of: held.id, at: level, from: changes)
        } catch let error as ModelError {
            throw SiteError.failed("a record could not be recomputed (\(error))")
        }
        guard rebuilt != held else { return .unchanged }
        context.noteBase(rowKey, held)
        guard let rebuilt else {
            context.batch.redaction.removedRecords.insert(rowKey)
            context.pending.removeValue(forKey: rowKey)
            return .removed
        }
        guard let (epoch, key) = context.keyring.current(level: level) else {
            throw SiteError.failed("this site holds no key for \(level); a record cannot be recomputed")
        }
        context.restage(rebuilt, rowKey: rowKey, epoch: epoch, key: key, at: Int64(Date().timeIntervalSince1970))
        return .rebuilt
    }
}

extension WriteContext {
    /// Puts a recomputed record state into the batch, sealed under `key`. Unlike `stage`, it
    /// links no delta (its history is what remains linked) and is no write for the change
    /// stream.
    mutating func restage(_ record: RecordState, rowKey: [UInt8], epoch: EpochRef, key: XChaCha20Poly1305.Key, at now: Int64) {
        putRow(record, rowKey: rowKey, epoch: epoch, key: key, at: now)
        pending[rowKey] = record
    }
}
