import CairnCrypto
import CairnTestSupport
import Foundation
import Testing

@testable import CairnTrust

/// Shared building blocks for the trust tests: the committed test federation, extra keys, and
/// ways to craft objects that issuing code would refuse to make.
enum Fixture {
    static let alpha = TestKeys.agency("alpha")
    static let bravo = TestKeys.agency("bravo")
    static let charlie = TestKeys.agency("charlie")
    static let charter = TestKeys.charter()

    /// A fresh root key for an agency that is not in the test charter.
    static func outsider(_ name: String = "delta") throws -> AgencyRootKey {
        AgencyRootKey.generate(name: try AgencyName(name))
    }

    /// The test charter's body fields, to edit into amendments or invalid variants.
    static func charterFields() throws -> CharterFields {
        try CharterFields.decode(charter.signed.body)
    }

    /// An object of `kind` holding `body`, signed by each key (under its own name) in order.
    static func sign(_ kind: ObjectKind, _ body: [UInt8], by keys: [AgencyRootKey]) throws -> SignedObject {
        try keys.reduce(SignedObject(kind: kind, body: body)) { try $0.sign(with: $1) }
    }

    /// A well-formed certificate body for a fresh device of `agency`, to edit before signing.
    static func certificateFields(agency: String = "alpha", device: String = "crafted", clearance: String = "SECRET")
        -> CertificateFields
    {
        let keys = DeviceSecretKeys.generate().publicKeys
        return CertificateFields(
            federationID: charter.federationID, agency: agency, device: device, signingKey: keys.signing.bytes,
            wrappingKey: keys.wrapping.bytes, tlsKey: keys.tls.bytes, clearance: clearance,
            notBefore: TestKeys.validFrom, notAfter: TestKeys.validUntil,
            serial: [UInt8](repeating: 7, count: DeviceCertificate.serialLength), charterVersion: 1)
    }

    /// A verified request of a fresh device `ref`.
    static func request(_ ref: String, keys: DeviceSecretKeys = .generate()) throws -> CertificationRequest {
        let parsed = try DeviceRef.parse(ref)
        return try CertificationRequest.verify(
            CertificationRequest.create(keys: keys, agency: parsed.agency, device: parsed.device, createdAt: TestKeys.validFrom))
    }

    /// `bytes` with the byte at `index` flipped.
    static func flipped(_ bytes: [UInt8], at index: Int) -> [UInt8] {
        var copy = bytes
        copy[index] ^= 0x01
        return copy
    }

    /// `signed` with its body replaced (signatures kept): a tampered copy.
    static func withBody(_ signed: SignedObject, _ body: [UInt8]) -> SignedObject {
        SignedObject(kind: signed.kind, body: body, signatures: signed.signatures)
    }
}

/// A fresh 0700 directory, removed when the test ends.
struct TemporaryDirectory: ~Copyable {
    let path: String

    init() throws {
        path = FileManager.default.temporaryDirectory.path + "/cairn-trust-" + UUID().uuidString
        try FileManager.default.createDirectory(
            atPath: path, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
    }

    func file(_ name: String) -> String { path + "/" + name }

    deinit { try? FileManager.default.removeItem(atPath: path) }
}
