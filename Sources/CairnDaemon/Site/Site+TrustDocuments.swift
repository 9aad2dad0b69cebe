import CairnControl
import CairnCrypto
import CairnModel
import CairnProtocol
import CairnTrust

extension Site {
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

    /// The epochs of each level this site is cleared for: those it holds and those it has seen
    /// granted, with who holds each.
    func keysDocument() -> KeysDocument {
        ledger.read { state in
            let levels = identity.readableLevels.map { level -> KeysDocument.Level in
                var holders: [EpochRef: [String]] = [:]
                // Display only: a malformed row is left out of (or named by hex in) the listing.
                for seen in state.grantsSeen where seen.level == level {
                    guard let epoch = try? EpochRef(number: seen.epochNumber, keyID: seen.epochKeyID) else { continue }
                    let name = (try? DeviceID(seen.recipient)).map { state.devices.displayName($0) } ?? Hex.encode(seen.recipient)
                    holders[epoch, default: []].append(name)
                }
                let held = Set(state.keyring.entries.filter { $0.level == level }.map(\.epoch))
                let current = state.keyring.current(level: level)?.0
                let epochs = held.union(holders.keys).sorted().map { epoch in
                    KeysDocument.Epoch(
                        number: epoch.number, keyId: Hex.encode(epoch.keyID), held: held.contains(epoch),
                        current: epoch == current, holders: (holders[epoch] ?? []).sorted())
                }
                return KeysDocument.Level(name: level, epochs: epochs)
            }
            return KeysDocument(levels: levels)
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
        guard let bytes = request.bytes else { throw DaemonError.request(.badRequest, "object must be base64") }
        do {
            return try SignedObject.parse(bytes: bytes, kind: kind)
        } catch {
            let code: ControlErrorCode = kind == .charter ? .invalidCharter : .invalidRevocation
            throw DaemonError.request(code, "not a signed \(kind.rawValue): \(error)")
        }
    }
}
