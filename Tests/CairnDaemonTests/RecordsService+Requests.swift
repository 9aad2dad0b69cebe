import CairnControl

@testable import CairnDaemon

/// The record routes as the control API runs them (its request decoding and document mapping
/// over the records service), for tests that speak in requests and documents.
extension RecordsService {
    func put(_ request: PutRecordRequest, actor: String = "local") throws -> (RecordDocument, created: Bool) {
        let (state, created) = try put(DocumentMapping.edit(request), actor: actor)
        return (DocumentMapping(identity: identity, devices: ledger.read { $0.devices }).document(state), created)
    }

    func document(id: String, level: String? = nil) throws -> RecordDocument {
        DocumentMapping(identity: identity, devices: ledger.read { $0.devices }).document(try get(id: id, level: level))
    }
}

extension RecordsService {
    private var mapping: DocumentMapping { DocumentMapping(identity: identity, devices: ledger.read { $0.devices }) }

    func historyEntries(id: String, level: String? = nil) throws -> [HistoryEntry] {
        try history(id: id, level: level).map(mapping.entry)
    }

    func listDocuments(level: String?, type: String?, tag: String?, deleted: CairnDaemon.DeletedFilter) throws -> [RecordDocument] {
        try list(level: level, type: type, tag: tag, deleted: deleted).map(mapping.document)
    }

    func deleteDocument(id: String, level: String? = nil) throws -> RecordDocument {
        mapping.document(try delete(id: id, level: level))
    }
}

extension KeysService {
    func keysDocument() -> KeysDocument { DocumentMapping.document(epochs()) }
}

extension TrustService {
    func deviceDocuments() -> [DeviceDocument] {
        DocumentMapping(identity: identity, devices: knownDevices()).documents(devices())
    }
}
