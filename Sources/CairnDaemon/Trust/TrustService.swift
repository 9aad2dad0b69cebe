import CairnCrypto
import CairnModel
import CairnProtocol
import CairnTrust

/// The charter and its amendments, revocations and the devices this site knows.
struct TrustService: SiteService {
    let kernel: SiteKernel
}

/// A device this site knows, with its withdrawal if it has one.
struct KnownDevice: Sendable {
    let certificate: DeviceCertificate
    let withdrawal: Withdrawal?
}

extension TrustService {
    /// The certificates this site knows (authors are named by them).
    func knownDevices() -> KnownDevices {
        ledger.read { $0.devices }
    }

    /// Every device this site knows, with its withdrawal (`GET /v1/devices`).
    func devices() -> [KnownDevice] {
        ledger.read { state in
            state.devices.all.map { KnownDevice(certificate: $0, withdrawal: state.withdrawals.withdrawal(of: $0)) }
        }
    }

    /// `POST /v1/revocations`: an admin hands over a revocation file's content.
    func revoke(_ bytes: [UInt8], actor: String) throws -> RevocationOutcome {
        try accept(revocation: signedObject(bytes, kind: .revocation), from: actor)
    }

    /// `POST /v1/charter`: an admin hands over the next charter version.
    func amendCharter(_ bytes: [UInt8], actor: String) throws -> CharterOutcome {
        try accept(charter: signedObject(bytes, kind: .charter), from: actor)
    }

    private func signedObject(_ bytes: [UInt8], kind: ObjectKind) throws -> SignedObject {
        do {
            return try SignedObject.parse(bytes: bytes, kind: kind)
        } catch {
            let code: Refusal = kind == .charter ? .invalidCharter : .invalidRevocation
            throw SiteError.refused(code, "not a signed \(kind.rawValue): \(error)")
        }
    }
}
