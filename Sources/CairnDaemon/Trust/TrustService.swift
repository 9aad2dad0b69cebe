import CairnControl
import CairnCrypto
import CairnModel
import CairnProtocol
import CairnTrust

/// The charter and its amendments, revocations and the devices this site knows.
struct TrustService: SiteService {
    let kernel: SiteKernel
}

extension TrustService {
    /// Every device this site knows, as `GET /v1/devices` shows them.
    func deviceDocuments() -> [DeviceDocument] {
        ledger.read { state in
            state.devices.all.map { certificate in
                DeviceDocument(
                    device: "\(certificate.ref)", clearance: certificate.clearance, serial: certificate.serialHex,
                    notBefore: certificate.notBefore, notAfter: certificate.notAfter,
                    this: certificate.deviceID == identity.deviceID,
                    withdrawn: state.withdrawals.withdrawal(of: certificate).map {
                        WithdrawalDocument(effectiveAt: $0.effectiveAt, reason: $0.reason)
                    })
            }
        }
    }


    /// `POST /v1/revocations`: an admin hands over a revocation file's content.
    func revoke(_ request: SignedObjectRequest, actor: String) throws -> RevocationResultDocument {
        let signed = try signedObject(request, kind: .revocation)
        let outcome = try accept(revocation: signed, from: actor)
        let revocation = outcome.revocation
        return RevocationResultDocument(
            device: "\(revocation.ref)", serial: Hex.encode(revocation.certificateSerial), effectiveAt: revocation.effectiveAt,
            reason: revocation.reason, learned: outcome.learned, rotated: outcome.rotated)
    }

    /// `POST /v1/charter`: an admin hands over the next charter version.
    func amendCharter(_ request: SignedObjectRequest, actor: String) throws -> CharterResultDocument {
        let signed = try signedObject(request, kind: .charter)
        let outcome = try accept(charter: signed, from: actor)
        return CharterResultDocument(
            version: outcome.charter.version, fingerprint: outcome.charter.fingerprintHex, amended: outcome.amended,
            withdrawn: outcome.withdrawn, rotated: outcome.rotated)
    }

    private func signedObject(_ request: SignedObjectRequest, kind: ObjectKind) throws -> SignedObject {
        guard let bytes = request.bytes else { throw SiteError.refused(.badRequest, "object must be base64") }
        do {
            return try SignedObject.parse(bytes: bytes, kind: kind)
        } catch {
            let code: Refusal = kind == .charter ? .invalidCharter : .invalidRevocation
            throw SiteError.refused(code, "not a signed \(kind.rawValue): \(error)")
        }
    }
}
