import CairnControl
import CairnModel

/// `GET /v1/status` and `GET /v1/digest` from the status service.
extension DocumentMapping {
    func document(_ status: SiteStatus) -> StatusDocument {
        let certificate = identity.certificate
        let held = status.charter
        let levels = status.levels.map {
            StatusDocument.Level(
                name: $0.name, readable: $0.readable, records: $0.records, deletedRecords: $0.deletedRecords, deltas: $0.deltas,
                epoch: $0.epoch)
        }
        var document = StatusDocument(
            device: .init(ref: identity.ref, agency: certificate.agency.value, name: certificate.device.value, id: identity.deviceID.hex),
            clearance: identity.clearance,
            federation: .init(
                name: held.federationName, id: Hex.encode(held.federationID), charterVersion: held.version,
                charterFingerprint: Hex.encode(held.fingerprint)),
            levels: levels, records: levels.reduce(0) { $0 + $1.records }, deltas: levels.reduce(0) { $0 + $1.deltas },
            store: .init(
                path: status.storePath, sizeBytes: status.storeSizeBytes, quarantinedDeltas: status.quarantinedDeltas,
                problems: status.problems, checking: status.checking),
            testMode: status.testMode, startedAt: Self.time(status.startedAt), version: CairnVersion.string,
            certificateExpires: Self.time(seconds: certificate.notAfter))
        document.keyGrantDeltas = status.keyGrantDeltas
        document.audit = Self.document(status.audit)
        return document
    }

    static func document(_ digest: StateDigest) -> DigestDocument {
        let entries = digest.levels.map { ($0.name, DigestDocument.Level(records: $0.records, digest: Hex.encode($0.digest))) }
        return DigestDocument(levels: Dictionary(uniqueKeysWithValues: entries), digest: Hex.encode(digest.digest))
    }
}
