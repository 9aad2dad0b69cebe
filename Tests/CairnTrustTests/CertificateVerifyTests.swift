import CairnModel
import CairnCrypto
import CairnTestSupport
import Testing

@testable import CairnTrust

/// `DeviceCertificate.verify`: every way a certificate can be invalid. Bodies that `issue`
/// would refuse are crafted by hand and signed with the real root keys, so the verifier's own
/// checks are what stands in the way.
@Suite struct CertificateVerifyTests {
    let charter = Fixture.charter

    private func verify(_ signed: SignedObject, now: Int64 = TestKeys.now) throws -> DeviceCertificate {
        try DeviceCertificate.verify(signed, charter: charter, now: now)
    }

    private func crafted(_ edit: (inout CertificateFields) -> Void, by key: AgencyRootKey = Fixture.alpha, as signer: String? = nil)
        throws -> SignedObject
    {
        var fields = Fixture.certificateFields(agency: signer ?? key.name.value)
        edit(&fields)
        return try SignedObject(kind: .certificate, body: fields.encoded())
            .adding(signer: signer ?? key.name.value, key: key.privateKey)
    }

    @Test func committedCertificatesVerify() throws {
        for (ref, clearance) in TestKeys.devices {
            let certificate = try verify(TestKeys.certificate(ref))
            #expect(certificate.ref.description == ref)
            #expect(certificate.clearance == clearance)
            #expect(certificate.matches(TestKeys.device(ref)))
        }
    }

    @Test func certificateForOtherKeysDoesNotMatchThisDevice() throws {
        let certificate = try verify(TestKeys.certificate("alpha/hq"))
        #expect(!certificate.matches(TestKeys.device("alpha/laptop")))
        #expect(throws: TrustError.certificateKeysMismatch(ref: "alpha/hq")) {
            try certificate.requireMatches(TestKeys.device("alpha/laptop"))
        }
    }

    @Test func validityWindowIsInclusiveStartExclusiveEnd() throws {
        let signed = TestKeys.certificate("bravo/hq")
        #expect(try verify(signed, now: TestKeys.validFrom).isValid(at: TestKeys.validFrom))
        #expect(try verify(signed, now: TestKeys.validUntil - 1).clearance == "CONFIDENTIAL")
        #expect(throws: TrustError.certificateNotYetValid(notBefore: TestKeys.validFrom, now: TestKeys.validFrom - 1)) {
            try verify(signed, now: TestKeys.validFrom - 1)
        }
        #expect(throws: TrustError.certificateExpired(notAfter: TestKeys.validUntil, now: TestKeys.validUntil)) {
            try verify(signed, now: TestKeys.validUntil)
        }
        // Showing an expired certificate still checks everything but the clock.
        #expect(try DeviceCertificate.verifyIgnoringTime(signed, charter: charter).ref.description == "bravo/hq")
    }

    @Test func clearanceAboveTheCeilingIsRefusedEvenWhenTheRootSignedIt() throws {
        let signed = try crafted({ $0.clearance = "SECRET" }, by: Fixture.charlie)
        #expect(throws: TrustError.clearanceAboveCeiling(clearance: "SECRET", ceiling: "RESTRICTED", agency: "charlie")) {
            try verify(signed)
        }
    }

    @Test func clearanceMustBeALevel() throws {
        #expect(throws: TrustError.unknownLevel("COSMIC")) { try verify(crafted { $0.clearance = "COSMIC" }) }
    }

    @Test func invertedWindowIsRefused() throws {
        let signed = try crafted {
            $0.notBefore = TestKeys.validUntil
            $0.notAfter = TestKeys.validFrom
        }
        #expect(throws: TrustError.invalidValidityWindow(notBefore: TestKeys.validUntil, notAfter: TestKeys.validFrom)) {
            try verify(signed)
        }
    }

    @Test func certificateForAgencyXSignedWithAgencyYsKeyIsRefused() throws {
        // Claimed as alpha's signature, made with bravo's key.
        let underXsName = try crafted({ _ in }, by: Fixture.bravo, as: "alpha")
        #expect(throws: TrustError.signerKeyMismatch(agency: "alpha")) { try verify(underXsName) }
        // Honestly signed by bravo, but the body names alpha.
        let underYsName = try crafted({ $0.agency = "alpha" }, by: Fixture.bravo)
        #expect(throws: TrustError.agencyMismatch(expected: "bravo", found: "alpha")) { try verify(underYsName) }
    }

    @Test func signerOutsideTheCharterIsRefused() throws {
        let delta = try Fixture.outsider("delta")
        #expect(throws: TrustError.unknownSigner("delta")) { try verify(crafted({ _ in }, by: delta)) }
    }

    @Test func exactlyOneSignatureIsAccepted() throws {
        let good = TestKeys.certificate("alpha/hq")
        #expect(throws: TrustError.unexpectedSignatureCount(expected: 1, found: 2)) {
            try verify(good.sign(with: Fixture.bravo))
        }
        #expect(throws: TrustError.unexpectedSignatureCount(expected: 1, found: 0)) {
            try verify(SignedObject(kind: .certificate, body: good.body))
        }
    }

    @Test func tamperedCertificateIsRefused() throws {
        let good = TestKeys.certificate("alpha/hq")
        #expect(throws: TrustError.badSignature(signer: "alpha")) {
            try verify(Fixture.withBody(good, Fixture.flipped(good.body, at: good.body.count - 1)))
        }
    }

    @Test func charterSignaturePresentedAsACertificateIsRefused() throws {
        // alpha's real signature over the charter body, relabelled as a certificate: the domain
        // differs, so the signature does not verify.
        let alphaSignature = charter.signed.signatures[0]
        let relabelled = SignedObject(kind: .certificate, body: charter.signed.body, signatures: [alphaSignature])
        #expect(throws: TrustError.badSignature(signer: "alpha")) { try verify(relabelled) }
        // And a certificate is not a charter.
        #expect(throws: TrustError.wrongKind(expected: "cairn/v1/certificate", found: "cairn/v1/charter")) {
            try verify(charter.signed)
        }
    }

    @Test func otherFederationIsRefused() throws {
        let signed = try crafted { $0.federationID = [UInt8](repeating: 0x42, count: 16) }
        #expect(throws: TrustError.federationMismatch(expected: charter.federationIDHex, found: Hex.encode([UInt8](repeating: 0x42, count: 16)))) {
            try verify(signed)
        }
    }

    @Test func keysOfWrongLengthAreRefused() throws {
        #expect(throws: TrustError.invalidLength(what: "device wrapping key", expected: 32, actual: 31)) {
            try verify(crafted { $0.wrappingKey.removeLast() })
        }
        #expect(throws: TrustError.invalidLength(what: "device signing key", expected: 32, actual: 33)) {
            try verify(crafted { $0.signingKey.append(0) })
        }
        #expect(throws: TrustError.invalidLength(what: "device TLS key", expected: 32, actual: 0)) {
            try verify(crafted { $0.tlsKey = [] })
        }
        #expect(throws: TrustError.invalidLength(what: "certificate serial", expected: 16, actual: 15)) {
            try verify(crafted { $0.serial.removeLast() })
        }
    }

    @Test func oneKeyForSigningAndTLSIsRefused() throws {
        #expect(throws: TrustError.keyReuse("The device's signing and TLS keys")) {
            try verify(crafted { $0.tlsKey = $0.signingKey })
        }
    }

    @Test func invalidDeviceNameIsRefused() throws {
        #expect(throws: TrustError.invalidDeviceName("Laptop")) { try verify(crafted { $0.device = "Laptop" }) }
    }
}
