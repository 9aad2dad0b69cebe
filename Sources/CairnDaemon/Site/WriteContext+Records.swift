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
        changes.append((record, previous == nil, deltaID))
        let row = RecordRow(
            key: rowKey, level: record.level, epochNumber: epoch.number, epochKeyID: epoch.keyID,
            sealed: RecordStateCodec.seal(record, rowKey: rowKey, epoch: epoch, key: key), updatedAt: now)
        // A record written twice in one group keeps only its last row (found by index: a group
        // applying thousands of deltas at once must not scan the batch for each).
        if let index = recordRows[rowKey] {
            batch.records[index] = row
        } else {
            recordRows[rowKey] = batch.records.count
            batch.records.append(row)
        }
        batch.links.append(RecordDeltaLink(recordKey: rowKey, deltaID: deltaID))
        pending[rowKey] = record
        if record.isDeleted, previous?.isDeleted != true {
            deletions[record.level, default: 0] += 1
        }
    }
}
