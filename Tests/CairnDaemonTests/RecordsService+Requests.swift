import CairnControl
import Foundation

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

extension AuditService {
    func verifyDocument() throws -> AuditVerifyDocument { DocumentMapping.document(try verifyAudit()) }
    func statusDocument() throws -> (AuditStatusDocument, [String]) {
        let (summary, problems) = try auditStatus()
        return (DocumentMapping.document(summary), problems)
    }
}

extension StatusService {
    func statusDocument() throws -> StatusDocument {
        DocumentMapping(identity: identity, devices: ledger.read { $0.devices }).document(try status())
    }
}

extension BundleService {
    func exportBundle(_ request: BundleExportRequest, actor: String) throws -> (bundle: [UInt8], document: BundleExportDocument) {
        let (bundle, exported) = try exportBundle(
            for: request.recipient, since: request.since.flatMap { Data(base64Encoded: $0) }.map(Array.init),
            budget: ControlAPI.bundleContentBudget, actor: actor)
        return (bundle, DocumentMapping.document(exported))
    }
}
