import CairnCrypto

/// A verified device revocation: the device's agency root withdraws one certificate (by serial)
/// from `effectiveAt` on.
///
/// Peers that know it refuse the device's TLS connections and its deltas dated after
/// `effectiveAt`, and rotate the keys of every level it could read.
public struct Revocation: Hashable, Sendable {
    /// The revoked device.
    public let ref: DeviceRef
    /// The serial of the revoked certificate.
    public let certificateSerial: [UInt8]
    /// Unix seconds from which the device's deltas are refused.
    public let effectiveAt: Int64
    /// Free text for people (audit log, `cairn` output); never interpreted.
    public let reason: String
    /// The object exactly as verified.
    public let signed: SignedObject

    /// The longest reason accepted, in UTF-8 bytes.
    public static let maxReasonBytes = 1024

    /// Whether this revocation withdraws `certificate`.
    public func revokes(_ certificate: DeviceCertificate) -> Bool {
        certificate.ref == ref && certificate.serial == certificateSerial
    }

    /// Issues a revocation of `certificate`, signed by its agency's root key.
    public static func issue(
        certificate: DeviceCertificate, agencyKey: AgencyRootKey, charter: Charter, effectiveAt: Int64, reason: String
    ) throws -> SignedObject {
        try issue(
            ref: certificate.ref, serial: certificate.serial, agencyKey: agencyKey, charter: charter,
            effectiveAt: effectiveAt, reason: reason)
    }

    /// Issues a revocation of the certificate of `ref` with `serial` (when only the serial is at
    /// hand, as in an agency's issuance log).
    public static func issue(
        ref: DeviceRef, serial: [UInt8], agencyKey: AgencyRootKey, charter: Charter, effectiveAt: Int64,
        reason: String
    ) throws -> SignedObject {
        guard ref.agency == agencyKey.name else {
            throw TrustError.wrongAgencyKey(keyOf: agencyKey.name.value, needed: ref.agency.value)
        }
        guard let agency = charter.agency(named: agencyKey.name) else {
            throw TrustError.agencyNotInCharter(agencyKey.name.value)
        }
        guard agency.rootKey == agencyKey.publicKey else { throw TrustError.signerKeyMismatch(agency: agency.name.value) }
        try validate(serial: serial, reason: reason)
        let fields = RevocationFields(
            federationID: charter.federationID, agency: ref.agency.value, device: ref.device.value,
            certificateSerial: serial, effectiveAt: effectiveAt, reason: reason)
        return try SignedObject(kind: .revocation, body: fields.encoded()).sign(with: agencyKey)
    }

    /// Verifies a revocation: exactly one signature, by the charter root of the agency it names
    /// (checked over the raw body before parsing), for a device of that agency in this
    /// federation.
    public static func verify(_ signed: SignedObject, charter: Charter) throws -> Revocation {
        try SignatureCheck.requireKind(signed, .revocation)
        guard signed.signatures.count == 1, let signature = signed.signatures.first else {
            throw TrustError.unexpectedSignatureCount(expected: 1, found: signed.signatures.count)
        }
        guard let issuer = charter.agency(named: signature.signer) else {
            throw TrustError.unknownSigner(Display.clean(signature.signer))
        }
        try SignatureCheck.verify(signature, by: issuer, message: signed.kind.signingMessage(body: signed.body))
        let fields = try RevocationFields.decode(signed.body)
        guard fields.agency == issuer.name.value else {
            throw TrustError.agencyMismatch(expected: issuer.name.value, found: Display.clean(fields.agency))
        }
        try charter.requireFederation(fields.federationID)
        try validate(serial: fields.certificateSerial, reason: fields.reason)
        return Revocation(
            ref: DeviceRef(agency: issuer.name, device: try DeviceName(fields.device)),
            certificateSerial: fields.certificateSerial, effectiveAt: fields.effectiveAt, reason: fields.reason,
            signed: signed)
    }

    private static func validate(serial: [UInt8], reason: String) throws {
        guard serial.count == DeviceCertificate.serialLength else {
            throw TrustError.invalidLength(
                what: "certificate serial", expected: DeviceCertificate.serialLength, actual: serial.count)
        }
        guard reason.utf8.count <= maxReasonBytes else {
            throw TrustError.tooLarge(what: "revocation reason", size: reason.utf8.count, limit: maxReasonBytes)
        }
    }
}
