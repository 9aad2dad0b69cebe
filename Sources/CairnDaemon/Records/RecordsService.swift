import CairnCrypto
import CairnModel
import CairnProtocol
import CairnStore

/// Writing, reading, listing and tracing the history of records at the levels this device holds.
struct RecordsService: SiteService {
    let kernel: SiteKernel
}

/// What a write asks of one record: only what it names changes. `id` nil makes a new record
/// with a random id; a field set to nil is removed.
struct RecordEdit: Sendable {
    var id: String?
    var type: String?
    var classification: String?
    var fields: [String: FieldValue?] = [:]
    var tags: [String] = []
    var removeTags: [String] = []
}

/// A record as held, with the other levels at which this site holds the same id.
struct HeldRecord: Sendable {
    let state: RecordState
    let alsoHeldAt: [String]
}

/// One delta that touched a record, opened: who wrote what, where and when.
struct RecordHistoryStep: Sendable {
    let deltaID: [UInt8]
    let author: DeviceID
    let level: String
    let sequence: UInt64
    let hlc: HLCTimestamp
    /// The operations of the delta on this record only.
    let operations: [CairnModel.Operation]
}

/// The record operations, over the write path and the sealed store.
extension RecordsService {
    /// Creates or updates a record; only what the edit names changes.
    func put(_ edit: RecordEdit, actor: String = "local") throws -> (RecordState, created: Bool) {
        let (id, job) = try putJob(edit, actor: actor)
        return try ledger.submitAndWait(reads: rowKeys(id), job)
    }

    /// `put` for a caller that must not hold a thread while the group commits.
    func put(_ edit: RecordEdit, actor: String = "local") async throws -> (RecordState, created: Bool) {
        let (id, job) = try putJob(edit, actor: actor)
        return try await ledger.submit(reads: rowKeys(id), job)
    }

    /// The record a put writes and its ledger job, after the checks that need no state.
    private func putJob(
        _ edit: RecordEdit, actor: String
    ) throws -> (RecordID, @Sendable (inout WriteContext) throws -> (RecordState, created: Bool)) {
        let id: RecordID
        do {
            id = try edit.id.map(RecordID.init) ?? RecordID.generate(randomBytes: SecureRandom.bytes(16))
        } catch let error as ModelError {
            throw SiteError.from(error)
        }
        if let type = edit.type { try Self.validate { try Validate.recordType(type) } }
        return (id, writeJob(id: id, level: edit.classification, actor: actor, auditKind: "record.put") { current in
            try RecordState.updateOperations(
                current: current, id: id, type: edit.type, setFields: edit.fields, addTags: edit.tags, removeTags: edit.removeTags)
        })
    }

    /// Marks a record deleted (final; the record stays readable as deleted). `level` says which
    /// record when this site holds the id at several levels.
    func delete(id raw: String, level: String? = nil, actor: String = "local") throws -> RecordState {
        let id = try Self.recordID(raw)
        return try ledger.submitAndWait(reads: rowKeys(id), deleteJob(id: id, level: level, actor: actor))
    }

    /// `delete` for a caller that must not hold a thread while the group commits.
    func delete(id raw: String, level: String? = nil, actor: String = "local") async throws -> RecordState {
        let id = try Self.recordID(raw)
        return try await ledger.submit(reads: rowKeys(id), deleteJob(id: id, level: level, actor: actor))
    }

    private func deleteJob(id: RecordID, level: String?, actor: String) -> @Sendable (inout WriteContext) throws -> RecordState {
        let write: @Sendable (String) -> @Sendable (inout WriteContext) throws -> (RecordState, created: Bool) = { [self] target in
            writeJob(id: id, level: target, actor: actor, auditKind: "record.delete") { current in
                guard let current else { throw SiteError.refused(.recordNotFound, "no record \(id)") }
                return try RecordState.deleteOperations(current: current)
            }
        }
        return { [self] context in
            // The record is chosen in the group: a level-less write to an unknown id would
            // otherwise be refused as an invalid new record, not as "not found".
            let target = try choose(id, level: level, among: heldByLevel(id, in: context), forWrite: true)
            return try write(target.level)(&context).0
        }
    }

    /// The record with this id at `level`, or (no level) the highest held, with the other levels
    /// at which the id is held.
    func get(id raw: String, level: String? = nil) throws -> HeldRecord {
        let id = try Self.recordID(raw)
        let held = try storedByLevel(id, keyring: keyring())
        let state = try choose(id, level: level, among: held, forWrite: false)
        return HeldRecord(state: state, alsoHeldAt: highestFirst(held.keys.filter { $0 != state.level }))
    }

    /// Records matching every filter given, sorted by id (highest level first among equal ids).
    func list(level: String?, type: String?, tag: String?, deleted: DeletedFilter, conflictsOnly: Bool = false) throws -> [RecordState] {
        if let level { try checkLevel(level) }
        let keyring = keyring()
        var states: [RecordState] = []
        try storeAccess {
            try database.forEachRecord(level: level) { row in
                let state = try open(row, keyring: keyring)
                guard deleted.admits(state.isDeleted) else { return true }
                if let type, state.type != type { return true }
                if let tag, state.tags[tag]?.isPresent != true { return true }
                if conflictsOnly, !state.hasConflicts { return true }
                states.append(state)
                return true
            }
        }
        // One id may be held at several levels: highest first among equal ids.
        let rank = Dictionary(uniqueKeysWithValues: identity.readableLevels.enumerated().map { ($1, $0) })
        return states.sorted {
            $0.id.rawValue != $1.id.rawValue ? $0.id.rawValue < $1.id.rawValue : rank[$0.level, default: 0] > rank[$1.level, default: 0]
        }
    }

    /// Every delta that touched a record (at `level`, else the highest held), oldest first, with
    /// the operations on that record.
    func history(id raw: String, level: String? = nil) throws -> [RecordHistoryStep] {
        let id = try Self.recordID(raw)
        let keyring = keyring()
        let record = try choose(id, level: level, among: storedByLevel(id, keyring: keyring), forWrite: false)
        let key = rowKey(id, level: record.level)
        return try storeAccess { try database.deltaIDs(forRecord: key) }.compactMap { deltaID -> RecordHistoryStep? in
            guard let stored = try database.delta(id: deltaID) else { return nil }
            let delta = try SealedDelta.parse(stored.envelope)
            // A redacted delta (the record was withdrawn from that level) has nothing to show.
            guard !delta.isRedacted, let epoch = delta.header.epoch, let levelKey = keyring.key(level: delta.header.level, epoch: epoch) else {
                return nil
            }
            let change = try delta.open(key: levelKey)
            return RecordHistoryStep(
                deltaID: delta.id, author: change.author, level: change.level, sequence: delta.header.sequence, hlc: change.hlc,
                operations: change.operations.filter { $0.record == id })
        }
    }
}

/// Which records a listing includes by their deletion flag.
enum DeletedFilter: String, Sendable {
    case exclude, include, only

    func admits(_ isDeleted: Bool) -> Bool {
        switch self {
        case .exclude: return !isDeleted
        case .include: return true
        case .only: return isDeleted
        }
    }
}
