import CairnCrypto
import CairnModel

/// A verified certification request: a new device's public keys and the name it asks for,
/// signed with its own signing key to prove it holds that key.
///
/// `cairnd init` makes it; an operator carries it to the agency's offline ceremony, where
/// `cairn device certify` verifies it and issues a `DeviceCertificate`.
public struct CertificationRequest: Hashable, Sendable {
    /// The agency the device belongs to.
    public var agency: AgencyName { ref.agency }
    /// The device's name within its agency.
    public var device: DeviceName { ref.device }
    /// `agency/device`.
    public let ref: DeviceRef
    /// The device's public keys.
    public let publicKeys: DevicePublicKeys
    /// Unix seconds when the request was made.
    public let createdAt: Int64
    /// The object exactly as verified.
    public let signed: SignedObject

    /// The device id the certificate will carry (the signing public key).
    public let deviceID: DeviceID

    /// Makes and self-signs the request of the device holding `keys`.
    public static func create(
        keys: DeviceSecretKeys, agency: AgencyName, device: DeviceName, createdAt: Int64
    ) throws -> SignedObject {
        let ref = DeviceRef(agency: agency, device: device)
        let fields = RequestFields(
            agency: agency.value, device: device.value, signingKey: keys.signing.publicKey.bytes,
            wrappingKey: keys.wrapping.publicKey.bytes, tlsKey: keys.tls.publicKey.bytes, createdAt: createdAt)
        return try SignedObject(kind: .request, body: fields.encoded())
            .adding(signer: ref.description, key: keys.signing)
    }

    /// Verifies a request: exactly one signature, valid over the raw body under the key it
    /// carries (checked before the body is parsed); then the body's signing key must be that
    /// key, and the signer must be the `agency/device` the body names.
    public static func verify(_ signed: SignedObject) throws -> CertificationRequest {
        try SignatureCheck.requireKind(signed, .request)
        guard signed.signatures.count == 1, let signature = signed.signatures.first else {
            throw TrustError.unexpectedSignatureCount(expected: 1, found: signed.signatures.count)
        }
        let signer = Display.clean(signature.signer)
        let key = try CharterContent.publicKey(signature.publicKey, what: "public key of \(signer)'s signature")
        guard key.isValidSignature(signature.signature, for: signed.kind.signingMessage(body: signed.body)) else {
            throw TrustError.badSignature(signer: signer)
        }
        let fields = try RequestFields.decode(signed.body)
        let ref = DeviceRef(agency: try AgencyName(fields.agency), device: try DeviceName(fields.device))
        guard signature.signer == ref.description else {
            throw TrustError.signerMismatch(signer: signer, expected: ref.description)
        }
        let keys = try DeviceKeyCheck.publicKeys(
            signing: fields.signingKey, wrapping: fields.wrappingKey, tls: fields.tlsKey)
        guard keys.signing == key else { throw TrustError.signerMismatch(signer: signer, expected: "the request's signing key") }
        return CertificationRequest(
            ref: ref, publicKeys: keys, createdAt: fields.createdAt, signed: signed,
            deviceID: try DeviceKeyCheck.deviceID(keys.signing))
    }
}

/// Checks shared by requests and certificates on the three device keys they carry.
enum DeviceKeyCheck {
    /// The three keys, each of the right length, signing and TLS distinct.
    static func publicKeys(signing: [UInt8], wrapping: [UInt8], tls: [UInt8]) throws -> DevicePublicKeys {
        let signingKey = try CharterContent.publicKey(signing, what: "device signing key")
        guard wrapping.count == X25519.keyLength else {
            throw TrustError.invalidLength(what: "device wrapping key", expected: X25519.keyLength, actual: wrapping.count)
        }
        let tlsKey = try CharterContent.publicKey(tls, what: "device TLS key")
        guard signingKey != tlsKey else { throw TrustError.keyReuse("The device's signing and TLS keys") }
        return DevicePublicKeys(signing: signingKey, wrapping: try X25519.PublicKey(bytes: wrapping), tls: tlsKey)
    }

    /// The id of a device with `signing` as its signing key.
    static func deviceID(_ signing: Ed25519.PublicKey) throws -> DeviceID {
        do {
            return try DeviceID(signing.bytes)
        } catch {
            throw TrustError.invalidLength(what: "device id", expected: DeviceID.byteCount, actual: signing.bytes.count)
        }
    }
}
