import CairnControl
import CairnModel
import CairnStore

/// The device, key, revocation and charter routes' documents, from the trust and keys services.
extension DocumentMapping {
    func documents(_ devices: [KnownDevice]) -> [DeviceDocument] {
        devices.map { known in
            let certificate = known.certificate
            return DeviceDocument(
                device: "\(certificate.ref)", clearance: certificate.clearance, serial: certificate.serialHex,
                notBefore: certificate.notBefore, notAfter: certificate.notAfter, this: certificate.deviceID == identity.deviceID,
                withdrawn: known.withdrawal.map { WithdrawalDocument(effectiveAt: $0.effectiveAt, reason: $0.reason) })
        }
    }

    static func document(_ levels: [(level: String, epochs: [KeyEpoch])]) -> KeysDocument {
        KeysDocument(
            levels: levels.map { level, epochs in
                KeysDocument.Level(
                    name: level,
                    epochs: epochs.map {
                        KeysDocument.Epoch(
                            number: $0.epoch.number, keyId: Hex.encode($0.epoch.keyID), held: $0.held, current: $0.current,
                            holders: $0.holders)
                    })
            })
    }

    static func document(_ outcome: RevocationOutcome) -> RevocationResultDocument {
        let revocation = outcome.revocation
        return RevocationResultDocument(
            device: "\(revocation.ref)", serial: Hex.encode(revocation.certificateSerial), effectiveAt: revocation.effectiveAt,
            reason: revocation.reason, learned: outcome.learned, rotated: outcome.rotated)
    }

    static func document(_ outcome: CharterOutcome) -> CharterResultDocument {
        CharterResultDocument(
            version: outcome.charter.version, fingerprint: outcome.charter.fingerprintHex, amended: outcome.amended,
            withdrawn: outcome.withdrawn, rotated: outcome.rotated)
    }

    /// The bytes of a signed object a request carries (base64 in JSON).
    static func signedBytes(_ request: SignedObjectRequest) throws -> [UInt8] {
        guard let bytes = request.bytes else { throw DaemonError.request(.badRequest, "object must be base64") }
        return bytes
    }
}
