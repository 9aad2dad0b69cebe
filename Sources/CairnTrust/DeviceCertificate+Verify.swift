import CairnCrypto

extension DeviceCertificate {
    /// Issues a certificate for a verified request at the agency's key ceremony.
    ///
    /// Refuses a request for another agency, an agency key that is not the charter's root key
    /// for that agency, a clearance the charter does not declare or that is above the agency's
    /// ceiling, and a validity window that ends at or before it starts. `serial` defaults to
    /// 16 random bytes (deterministic test fixtures pass their own).
    public static func issue(
        request: CertificationRequest, agencyKey: AgencyRootKey, charter: Charter, clearance: String,
        notBefore: Int64, notAfter: Int64, serial: [UInt8]? = nil
    ) throws -> SignedObject {
        guard request.agency == agencyKey.name else {
            throw TrustError.wrongAgencyKey(keyOf: agencyKey.name.value, needed: request.agency.value)
        }
        guard let agency = charter.agency(named: agencyKey.name) else {
            throw TrustError.agencyNotInCharter(agencyKey.name.value)
        }
        guard agency.rootKey == agencyKey.publicKey else { throw TrustError.signerKeyMismatch(agency: agency.name.value) }
        try charter.requireClearance(clearance, for: agency)
        guard notBefore < notAfter else { throw TrustError.invalidValidityWindow(notBefore: notBefore, notAfter: notAfter) }
        let serial = serial ?? SecureRandom.bytes(serialLength)
        guard serial.count == serialLength else {
            throw TrustError.invalidLength(what: "certificate serial", expected: serialLength, actual: serial.count)
        }
        let fields = CertificateFields(
            federationID: charter.federationID, agency: request.agency.value, device: request.device.value,
            signingKey: request.publicKeys.signing.bytes, wrappingKey: request.publicKeys.wrapping.bytes,
            tlsKey: request.publicKeys.tls.bytes, clearance: clearance, notBefore: notBefore, notAfter: notAfter,
            serial: serial, charterVersion: charter.version)
        return try SignedObject(kind: .certificate, body: fields.encoded()).sign(with: agencyKey)
    }

    /// Verifies a certificate against `charter` at time `now` (Unix seconds).
    ///
    /// Order matters: the single signature is checked first, over the raw body, against the
    /// charter's root key of the agency it names; only then is the body parsed, and it must name
    /// that same agency, this federation, well-formed keys, a clearance at or below the
    /// agency's ceiling, and a window containing `now`.
    public static func verify(_ signed: SignedObject, charter: Charter, now: Int64) throws -> DeviceCertificate {
        let certificate = try verifyIgnoringTime(signed, charter: charter)
        guard now >= certificate.notBefore else {
            throw TrustError.certificateNotYetValid(notBefore: certificate.notBefore, now: now)
        }
        guard now < certificate.notAfter else {
            throw TrustError.certificateExpired(notAfter: certificate.notAfter, now: now)
        }
        return certificate
    }

    /// Everything `verify` checks except the validity window against the clock: for showing a
    /// certificate, and for judging old deltas by a certificate that has since expired.
    public static func verifyIgnoringTime(_ signed: SignedObject, charter: Charter) throws -> DeviceCertificate {
        try SignatureCheck.requireKind(signed, .certificate)
        guard signed.signatures.count == 1, let signature = signed.signatures.first else {
            throw TrustError.unexpectedSignatureCount(expected: 1, found: signed.signatures.count)
        }
        guard let issuer = charter.agency(named: signature.signer) else {
            throw TrustError.unknownSigner(Display.clean(signature.signer))
        }
        try SignatureCheck.verify(signature, by: issuer, message: signed.kind.signingMessage(body: signed.body))

        let fields = try CertificateFields.decode(signed.body)
        guard fields.agency == issuer.name.value else {
            throw TrustError.agencyMismatch(expected: issuer.name.value, found: Display.clean(fields.agency))
        }
        try charter.requireFederation(fields.federationID)
        let ref = DeviceRef(agency: issuer.name, device: try DeviceName(fields.device))
        let keys = try DeviceKeyCheck.publicKeys(
            signing: fields.signingKey, wrapping: fields.wrappingKey, tls: fields.tlsKey)
        try charter.requireClearance(fields.clearance, for: issuer)
        guard fields.notBefore < fields.notAfter else {
            throw TrustError.invalidValidityWindow(notBefore: fields.notBefore, notAfter: fields.notAfter)
        }
        guard fields.serial.count == serialLength else {
            throw TrustError.invalidLength(what: "certificate serial", expected: serialLength, actual: fields.serial.count)
        }
        return DeviceCertificate(
            ref: ref, deviceID: try DeviceKeyCheck.deviceID(keys.signing), publicKeys: keys,
            clearance: fields.clearance, notBefore: fields.notBefore, notAfter: fields.notAfter,
            serial: fields.serial, charterVersion: fields.charterVersion, signed: signed)
    }
}
