import CairnModel
import CairnProtocol
import CairnStore
import Foundation

extension Site {
    /// Applies a local change to one record: builds its operations from the record as stored
    /// (under the write lock, so no concurrent write is lost), seals and signs the delta,
    /// updates the materialized state, and commits both in one durable transaction.
    ///
    /// Returns the new state and whether the record was created.
    func writeRecord(
        id: RecordID, level requestedLevel: String?,
        operations build: (RecordState?) throws -> [CairnModel.Operation]
    ) throws -> (RecordState, created: Bool) {
        try state.withLock { state in
            let existing = try loadState(id, keyring: state.keyring)
            let level: String
            if let existing {
                if let requestedLevel, requestedLevel != existing.level {
                    try checkLevel(requestedLevel)
                    throw DaemonError.request(
                        .classificationMismatch,
                        "record \(id) is \(existing.level); changing its classification to \(requestedLevel) is not supported by this version")
                }
                level = existing.level
            } else {
                guard let requestedLevel else {
                    throw DaemonError.request(.invalidRecord, "a new record needs a classification (one of \(identity.readableLevels.joined(separator: ", ")))")
                }
                level = requestedLevel
            }
            try checkLevel(level)
            let operations: [CairnModel.Operation]
            do {
                operations = try build(existing)
            } catch let error as ModelError {
                throw DaemonError.from(error)
            }
            if operations.isEmpty {
                // Nothing would change (same type, no fields, no tags): no delta is written.
                if let existing { return (existing, false) }
                throw DaemonError.request(.invalidRecord, "nothing to write")
            }
            guard let (epoch, key) = state.keyring.current(level: level) else {
                throw DaemonError.request(.unavailable, "this site holds no key for \(level) yet")
            }
            let hlc = state.clock.now()
            let change = Change(author: identity.deviceID, level: level, hlc: hlc, operations: operations)
            let head = state.heads[level]
            let delta: SealedDelta
            do {
                delta = try SealedDelta.seal(
                    change: change, sequence: (head?.sequence ?? 0) + 1, previous: head?.deltaID ?? [],
                    epoch: epoch, key: key, signer: identity.keys.signing)
            } catch let error as ModelError {
                throw DaemonError.from(error)
            }
            var record = existing ?? RecordState.new(id: id, level: level, first: change.stamp)
            for operation in operations {
                try record.apply(operation, stamp: change.stamp)
            }
            let rowKey = rowKey(id)
            let now = Int64(Date().timeIntervalSince1970)
            let batch = WriteBatch(
                deltas: [NewDelta(delta, receivedAt: now)],
                records: [
                    RecordRow(
                        key: rowKey, level: level, epochNumber: epoch.number, epochKeyID: epoch.keyID,
                        sealed: RecordStateCodec.seal(record, rowKey: rowKey, epoch: epoch, key: key), updatedAt: now)
                ],
                links: [RecordDeltaLink(recordKey: rowKey, deltaID: delta.id)],
                epochKeys: [],
                meta: [MetaKey.clock: ClockMark.encode(hlc)])
            try commit(batch)
            state.heads[level] = StreamHead(sequence: delta.header.sequence, deltaID: delta.id)
            if record.isDeleted, existing?.isDeleted == false {
                state.deletedCounts?[level, default: 0] += 1
            }
            logger.debug(
                "record.written",
                metadata: ["record.level": "\(level)", "delta.sequence": "\(delta.header.sequence)", "delta.ops": "\(operations.count)"])
            return (record, existing == nil)
        }
    }

    /// Commits a batch, translating store failures into a daemon error that says what happened.
    func commit(_ batch: WriteBatch) throws {
        do {
            try database.commit(batch)
        } catch {
            logger.error("store.commit_failed", metadata: ["error": "\(error)"])
            throw DaemonError.request(.internal, "the write could not be stored: \(error)")
        }
    }
}

extension NewDelta {
    /// The store row of a sealed delta, its envelope kept verbatim.
    init(_ delta: SealedDelta, receivedAt: Int64) {
        self.init(
            id: delta.id, author: delta.header.author.bytes, level: delta.header.level,
            sequence: delta.header.sequence, kind: delta.header.kind.rawValue,
            hlcWall: delta.header.hlc.wallMillis, hlcCounter: delta.header.hlc.counter,
            envelope: delta.envelope, receivedAt: receivedAt)
    }
}

/// Keys of the store's `meta` table that the daemon uses.
enum MetaKey {
    static let clock = "hlc.high-water"
    static let indexKey = "index-key.sealed"
    static let charter = "charter"
    static let device = "device.signing-key"
}

/// The HLC high-water mark persisted with every write, so the clock never goes backwards
/// across restarts even if the wall clock does.
enum ClockMark {
    static func encode(_ hlc: HLCTimestamp) -> [UInt8] {
        withUnsafeBytes(of: hlc.wallMillis.bigEndian, Array.init) + withUnsafeBytes(of: hlc.counter.bigEndian, Array.init)
    }

    static func decode(_ bytes: [UInt8]) -> HLCTimestamp? {
        guard bytes.count == 12 else { return nil }
        let wall = bytes[0..<8].reduce(UInt64(0)) { $0 << 8 | UInt64($1) }
        let counter = bytes[8..<12].reduce(UInt32(0)) { $0 << 8 | UInt32($1) }
        return HLCTimestamp(wallMillis: wall, counter: counter)
    }
}
