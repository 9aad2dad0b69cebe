import CairnCrypto
import CairnModel
import CairnProtocol
import CairnStore

extension WriteContext {
    /// Puts a record's new state into the batch: sealed under `key`, linked to the delta that
    /// changed it, visible to later writes of the group and to the change stream.
    mutating func stage(
        _ record: RecordState, rowKey: [UInt8], previous: RecordState?, deltaID: [UInt8], epoch: EpochRef,
        key: XChaCha20Poly1305.Key, at now: Int64
    ) {
        changes.append(RecordChange(state: record, created: previous == nil, deltaID: deltaID))
        putRow(record, rowKey: rowKey, epoch: epoch, key: key, at: now)
        batch.links.append(RecordDeltaLink(recordKey: rowKey, deltaID: deltaID))
        noteBase(rowKey, previous)
        pending[rowKey] = record
    }

    /// Notes the stored state of a record row the first time the group touches it (later
    /// touches see the group's own state, not the store's).
    mutating func noteBase(_ rowKey: [UInt8], _ stored: RecordState?) {
        if recordBase.index(forKey: rowKey) == nil {
            // Spelled out: assigned straight to the subscript, `stored.map` was inferred as a
            // double optional, and a record with no stored row (nil) removed the entry instead
            // of noting "none", so a record created already deleted in a group was not counted.
            let mark: RecordMark? = stored.map { RecordMark(level: $0.level, deleted: $0.isDeleted) }
            recordBase[rowKey] = .some(mark)
        }
    }

    /// How the group changes the number of deleted records per level: for every row it
    /// touched, the row it leaves (none if withdrawn) against the row that was stored. Exact
    /// for every path that writes or removes record rows (writes, ingest, reclassification,
    /// withdrawal), since each goes through `stage` or `noteBase`.
    var deletions: [String: Int] {
        var change: [String: Int] = [:]
        for (rowKey, base) in recordBase {
            if let base, base.deleted { change[base.level, default: 0] -= 1 }
            let removed = batch.redaction.removedRecords.contains(rowKey)
            if !removed, let final = pending[rowKey], final.isDeleted { change[final.level, default: 0] += 1 }
        }
        return change.filter { $0.value != 0 }
    }
}

/// A record row as the deleted counts see it.
struct RecordMark: Hashable, Sendable {
    let level: String
    let deleted: Bool
}

extension WriteContext {
    /// Seals `record` into the group's batch. A record written twice in one group keeps only its
    /// last row (found by index: a group applying thousands of deltas at once must not scan the
    /// batch for each).
    mutating func putRow(_ record: RecordState, rowKey: [UInt8], epoch: EpochRef, key: XChaCha20Poly1305.Key, at now: Int64) {
        let row = RecordRow(
            key: rowKey, level: record.level, epochNumber: epoch.number, epochKeyID: epoch.keyID,
            sealed: RecordStateCodec.seal(record, rowKey: rowKey, epoch: epoch, key: key), updatedAt: now)
        if let index = recordRows[rowKey] {
            batch.records[index] = row
        } else {
            recordRows[rowKey] = batch.records.count
            batch.records.append(row)
        }
    }
}
