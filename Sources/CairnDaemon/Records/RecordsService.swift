import CairnControl
import CairnCrypto
import CairnModel
import CairnProtocol
import CairnStore

/// Writing, reading, listing and tracing the history of records at the levels this device holds.
struct RecordsService: SiteService {
    let kernel: SiteKernel
}

/// The record operations of the control API, over the write path and the sealed store.
extension RecordsService {
    var mapping: DocumentMapping { DocumentMapping(identity: identity, devices: ledger.read { $0.devices }) }

    /// Creates or updates a record; only what the request names changes.
    func put(_ request: PutRecordRequest, actor: String = "local") throws -> (RecordDocument, created: Bool) {
        let id: RecordID
        do {
            id = try request.id.map(RecordID.init) ?? RecordID.generate(randomBytes: SecureRandom.bytes(16))
        } catch let error as ModelError {
            throw SiteError.from(error)
        }
        if let type = request.type { try Self.validate { try Validate.recordType(type) } }
        let fields: [String: FieldValue?] = (request.fields ?? [:]).mapValues { value -> FieldValue? in
            value == .null ? nil : DocumentMapping.field(value)
        }
        let (state, created) = try writeRecord(id: id, level: request.classification, actor: actor, auditKind: "record.put") { current in
            try RecordState.updateOperations(
                current: current, id: id, type: request.type, setFields: fields,
                addTags: request.tags ?? [], removeTags: request.removeTags ?? [])
        }
        return (mapping.document(state), created)
    }

    /// Marks a record deleted (final; the record stays readable as deleted). `level` says which
    /// record when this site holds the id at several levels.
    func delete(id raw: String, level: String? = nil, actor: String = "local") throws -> RecordDocument {
        let id = try Self.recordID(raw)
        // Resolved here as well as in the group: `writeRecord` refuses a level-less write to an
        // unknown id as an invalid new record before the closure below could say "not found".
        let target = try choose(id, level: level, among: storedByLevel(id, keyring: keyring()), forWrite: true)
        let (state, _) = try writeRecord(id: id, level: target.level, actor: actor, auditKind: "record.delete") { current in
            guard let current else { throw SiteError.refused(.recordNotFound, "no record \(id)") }
            return try RecordState.deleteOperations(current: current)
        }
        return mapping.document(state)
    }

    /// The record with this id at `level`, or (no level) the highest held, with the other levels
    /// at which the id is held.
    func get(id raw: String, level: String? = nil) throws -> RecordDocument {
        let id = try Self.recordID(raw)
        let held = try storedByLevel(id, keyring: keyring())
        let state = try choose(id, level: level, among: held, forWrite: false)
        var document = mapping.document(state)
        let others = highestFirst(held.keys.filter { $0 != state.level })
        document.alsoHeldAt = others.isEmpty ? nil : others
        return document
    }

    /// Records matching every filter given, sorted by id.
    func list(level: String?, type: String?, tag: String?, deleted: DeletedFilter) throws -> [RecordDocument] {
        if let level { try checkLevel(level) }
        let keyring = keyring()
        let mapping = self.mapping
        var documents: [RecordDocument] = []
        try storeAccess {
            try database.forEachRecord(level: level) { row in
                let state = try open(row, keyring: keyring)
                guard deleted.admits(state.isDeleted) else { return true }
                if let type, state.type != type { return true }
                if let tag, state.tags[tag]?.isPresent != true { return true }
                documents.append(mapping.document(state))
                return true
            }
        }
        // One id may be held at several levels: highest first among equal ids.
        let rank = Dictionary(uniqueKeysWithValues: identity.readableLevels.enumerated().map { ($1, $0) })
        return documents.sorted { $0.id != $1.id ? $0.id < $1.id : rank[$0.classification, default: 0] > rank[$1.classification, default: 0] }
    }

    /// Every delta that touched a record (at `level`, else the highest held), oldest first, with
    /// the operations on that record.
    func history(id raw: String, level: String? = nil) throws -> [HistoryEntry] {
        let id = try Self.recordID(raw)
        let keyring = keyring()
        let record = try choose(id, level: level, among: storedByLevel(id, keyring: keyring), forWrite: false)
        let key = rowKey(id, level: record.level)
        let mapping = self.mapping
        return try storeAccess { try database.deltaIDs(forRecord: key) }.compactMap { deltaID -> HistoryEntry? in
            guard let stored = try database.delta(id: deltaID) else { return nil }
            let delta = try SealedDelta.parse(stored.envelope)
            // A redacted delta (the record was withdrawn from that level) has nothing to show.
            guard !delta.isRedacted, let epoch = delta.header.epoch, let levelKey = keyring.key(level: delta.header.level, epoch: epoch) else {
                return nil
            }
            let change = try delta.open(key: levelKey)
            return HistoryEntry(
                delta: Hex.encode(delta.id),
                author: .init(by: mapping.displayName(change.author), device: change.author.hex),
                level: change.level, sequence: delta.header.sequence, at: DocumentMapping.time(change.hlc),
                hlc: change.hlc.description,
                operations: change.operations.filter { $0.record == id }.map(mapping.operation))
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
