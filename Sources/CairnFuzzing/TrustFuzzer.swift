import CairnTrust

/// Trust objects as the daemon and the CLI receive them: in armored text files (what
/// `SignedObject.read(from:kind:)` does with the bytes of a file: decoded as UTF-8, repairing)
/// or as serialized `Signed` bytes (sync frames, bundles, control-API bodies). Input starting
/// with the armor's `-----BEGIN` is read as text, anything else as bytes.
enum TrustFuzzer {
    /// A charter: parsed, verified as a genesis, then offered to a daemon holding the test
    /// charter (`Charter.accept`, which checks an amendment's signatures before its body).
    static func runCharter(_ data: [UInt8]) -> FuzzOutcome {
        var outcome = FuzzOutcome()
        let fixtures = FuzzFixtures.shared
        let signed: SignedObject
        do {
            signed = try parse(data, kind: .charter)
        } catch {
            outcome.reject(error)
            return outcome
        }
        _ = try? Charter.accept(offered: signed, held: fixtures.charter)
        do {
            let charter = try Charter.verifyGenesis(signed)
            _ = try? charter.verifySuccessor(signed)
            outcome.accept()
        } catch {
            outcome.reject(error)
        }
        return outcome
    }

    /// A device certificate, a certification request or a revocation: parsed as each kind (the
    /// envelope's kind field picks at most one) and verified against the test charter.
    static func runCertificate(_ data: [UInt8]) -> FuzzOutcome {
        var outcome = FuzzOutcome()
        let fixtures = FuzzFixtures.shared
        let kinds: [ObjectKind]
        if isArmored(data) {
            guard let kind = try? armorKind(data) else {
                outcome.reject(TrustFuzzerRefusal.unknownArmor)
                return outcome
            }
            kinds = [kind]
        } else {
            kinds = [.certificate, .request, .revocation]
        }
        var parsed = false
        for kind in kinds {
            guard let signed = try? parse(data, kind: kind) else { continue }
            parsed = true
            do {
                switch kind {
                case .certificate:
                    _ = try DeviceCertificate.verify(signed, charter: fixtures.charter, now: fixtures.now)
                    _ = try? DeviceCertificate.verifyIgnoringTime(signed, charter: fixtures.charter)
                case .request:
                    _ = try CertificationRequest.verify(signed)
                case .revocation:
                    _ = try Revocation.verify(signed, charter: fixtures.charter)
                case .charter:
                    _ = try Charter.verifyGenesis(signed)
                }
                outcome.accept()
            } catch {
                outcome.reject(error)
            }
        }
        if !parsed { outcome.reject(TrustFuzzerRefusal.notParsed) }
        return outcome
    }

    private static func isArmored(_ data: [UInt8]) -> Bool {
        // Armor tolerates surrounding whitespace.
        let text = data.drop { $0 == 0x20 || $0 == 0x09 || $0 == 0x0a || $0 == 0x0d }
        return text.starts(with: Array("-----BEGIN".utf8))
    }

    private static func armorKind(_ data: [UInt8]) throws -> ObjectKind? {
        let armor = try Armor.kind(of: String(decoding: data, as: UTF8.self))
        return ObjectKind.allCases.first { $0.armorKind == armor }
    }

    private static func parse(_ data: [UInt8], kind: ObjectKind) throws -> SignedObject {
        if isArmored(data) {
            return try SignedObject.parse(armored: String(decoding: data, as: UTF8.self), kind: kind)
        }
        return try SignedObject.parse(bytes: data, kind: kind)
    }
}

/// Why the certificate target refused an input before any Cairn parser did.
enum TrustFuzzerRefusal: Error, CustomStringConvertible {
    case unknownArmor
    case notParsed

    var description: String {
        switch self {
        case .unknownArmor: return "armored text of no trust-object kind"
        case .notParsed: return "the bytes parse as no trust-object kind"
        }
    }
}
