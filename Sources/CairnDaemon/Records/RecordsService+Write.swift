import CairnModel
import CairnProtocol
import CairnStore
import Foundation

extension RecordsService {
    /// Applies a local change to one record: builds its operations from the record as held
    /// (after every earlier write, so no concurrent write is lost), seals and signs the delta,
    /// updates the materialized state, and commits both durably — grouped with whatever other
    /// writes arrived meanwhile (see `Ledger`).
    ///
    /// Returns the new state and whether the record was created.
    func writeRecord(
        id: RecordID, level requestedLevel: String?, actor: String, auditKind: String,
        operations build: @escaping @Sendable (RecordState?) throws -> [CairnModel.Operation]
    ) throws -> (RecordState, created: Bool) {
        try ledger.submitAndWait(
            reads: rowKeys(id), writeJob(id: id, level: requestedLevel, actor: actor, auditKind: auditKind, operations: build))
    }

    /// The ledger job of `writeRecord`, for callers that submit it themselves (with
    /// `rowKeys(id)` as its reads).
    func writeJob(
        id: RecordID, level requestedLevel: String?, actor: String, auditKind: String,
        operations build: @escaping @Sendable (RecordState?) throws -> [CairnModel.Operation]
    ) -> @Sendable (inout WriteContext) throws -> (RecordState, created: Bool) {
        { [self] context in
            try prepareWrite(id: id, level: requestedLevel, actor: actor, auditKind: auditKind, build: build, in: &context)
        }
    }

    /// The row keys of an id at every level this site reads: what a write of it looks at, read
    /// ahead for its whole group (`RecordReadAhead`).
    func rowKeys(_ id: RecordID) -> [[UInt8]] {
        identity.readableLevels.map { rowKey(id, level: $0) }
    }

    /// Builds one write into the group's context; refuses it (without touching the context's
    /// batch) if it is invalid.
    private func prepareWrite(
        id: RecordID, level requestedLevel: String?, actor: String, auditKind: String,
        build: (RecordState?) throws -> [CairnModel.Operation], in context: inout WriteContext
    ) throws -> (RecordState, created: Bool) {
        let held = try heldByLevel(id, in: context)
        let level: String
        let existing: RecordState?
        if let requestedLevel, let record = held[requestedLevel] {
            (level, existing) = (requestedLevel, record)
        } else if let requestedLevel, let other = highestFirst(held.keys).first {
            // This site holds the id elsewhere only. A site that cannot see `other` could create
            // the id at `requestedLevel` (records are named by id and level), but here the
            // caller sees both, and one id at two levels is only confusing: it is refused.
            try checkLevel(requestedLevel)
            throw SiteError.refused(
                .classificationMismatch,
                "record \(id) is \(other); a write cannot change its classification: use `cairn record reclassify \(id) --class \(requestedLevel)`")
        } else if requestedLevel == nil, !held.isEmpty {
            existing = try choose(id, level: nil, among: held, forWrite: true)
            level = existing!.level
        } else {
            if try isRetracted(id, in: context) {
                throw SiteError.refused(.recordRetracted, "record \(id) was retracted; its id cannot be used again")
            }
            guard let requestedLevel else {
                throw SiteError.refused(.invalidRecord, "a new record needs a classification (one of \(identity.readableLevels.joined(separator: ", ")))")
            }
            if try withdrawal.recordWithdrawal(rowKey: rowKey(id, level: requestedLevel), level: requestedLevel, in: context) != nil {
                throw SiteError.refused(
                    .classificationMismatch, "record \(id) was reclassified away from \(requestedLevel); its id cannot be reused there")
            }
            (level, existing) = (requestedLevel, nil)
        }
        let rowKey = rowKey(id, level: level)
        try checkLevel(level)
        let operations: [CairnModel.Operation]
        do {
            operations = try build(existing)
        } catch let error as ModelError {
            throw SiteError.from(error)
        }
        if operations.isEmpty {
            // Nothing would change: no delta is written.
            if let existing { return (existing, false) }
            throw SiteError.refused(.invalidRecord, "nothing to write")
        }
        let change = Change(author: identity.deviceID, level: level, hlc: context.clock.now(), operations: operations)
        // Sealed and appended to the group's batch; the group is dropped if this write fails below.
        let (delta, epoch, key) = try sealOwn(change, in: &context)
        var record = existing ?? RecordState.new(id: id, level: level, first: change.stamp)
        for operation in operations {
            try record.apply(operation, stamp: change.stamp)
        }
        let now = Int64(Date().timeIntervalSince1970)
        context.stage(record, rowKey: rowKey, previous: existing, deltaID: delta.id, epoch: epoch, key: key, at: now)
        // The audit entry names the delta, never the record's id or contents.
        context.audit(
            auditKind, actor: actor,
            detail: ["delta": Hex.encode(delta.id), "level": level, "created": existing == nil ? "true" : "false"])
        logger.debug(
            "record.written",
            metadata: ["record.level": "\(level)", "delta.sequence": "\(delta.header.sequence)", "delta.ops": "\(operations.count)"])
        return (record, existing == nil)
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
    static let deletedTally = "records.deleted-tally.sealed"
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
