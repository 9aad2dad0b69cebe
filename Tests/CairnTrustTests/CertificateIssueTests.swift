import CairnCrypto
import CairnTestSupport
import Testing

@testable import CairnTrust

/// `DeviceCertificate.issue`: the key ceremony's refusals and the good path.
@Suite struct CertificateIssueTests {
    let charter = Fixture.charter

    private func issue(
        _ request: CertificationRequest, key: AgencyRootKey = Fixture.alpha, clearance: String = "CONFIDENTIAL",
        notBefore: Int64 = TestKeys.validFrom, notAfter: Int64 = TestKeys.validUntil
    ) throws -> SignedObject {
        try DeviceCertificate.issue(
            request: request, agencyKey: key, charter: charter, clearance: clearance, notBefore: notBefore,
            notAfter: notAfter)
    }

    @Test func issuedCertificateVerifiesAndBindsTheRequestedKeys() throws {
        let keys = DeviceSecretKeys.generate()
        let request = try Fixture.request("alpha/field-7", keys: keys)
        let signed = try issue(request)
        let certificate = try DeviceCertificate.verify(signed, charter: charter, now: TestKeys.now)
        #expect(certificate.ref.description == "alpha/field-7")
        #expect(certificate.agency.value == "alpha")
        #expect(certificate.device.value == "field-7")
        #expect(certificate.clearance == "CONFIDENTIAL")
        #expect(certificate.deviceID == keys.deviceID)
        #expect(certificate.signingKey == keys.signing.publicKey)
        #expect(certificate.wrappingKey == keys.wrapping.publicKey)
        #expect(certificate.tlsKey == keys.tls.publicKey)
        #expect(certificate.notBefore == TestKeys.validFrom)
        #expect(certificate.notAfter == TestKeys.validUntil)
        #expect(certificate.serial.count == 16)
        #expect(certificate.charterVersion == 1)
        #expect(certificate.signed == signed)
        #expect(certificate.matches(keys))
        try certificate.requireMatches(keys)
        // Serials are random: two certificates for one request differ.
        #expect(try issue(request).body != signed.body)
    }

    @Test func clearanceAboveTheCeilingIsRefused() throws {
        let request = try Fixture.request("charlie/hq2")
        #expect(throws: TrustError.clearanceAboveCeiling(clearance: "SECRET", ceiling: "RESTRICTED", agency: "charlie")) {
            try issue(request, key: Fixture.charlie, clearance: "SECRET")
        }
        // At the ceiling is fine.
        #expect(throws: Never.self) { try issue(request, key: Fixture.charlie, clearance: "RESTRICTED") }
    }

    @Test func unknownLevelIsRefused() throws {
        #expect(throws: TrustError.unknownLevel("TOP_SECRET")) {
            try issue(Fixture.request("alpha/x"), clearance: "TOP_SECRET")
        }
    }

    @Test(arguments: [(TestKeys.validFrom, TestKeys.validFrom), (TestKeys.validUntil, TestKeys.validFrom)])
    func windowMustEndAfterItStarts(notBefore: Int64, notAfter: Int64) throws {
        #expect(throws: TrustError.invalidValidityWindow(notBefore: notBefore, notAfter: notAfter)) {
            try issue(Fixture.request("alpha/x"), notBefore: notBefore, notAfter: notAfter)
        }
    }

    @Test func agencyKeyMustBeTheChartersRootForThatAgency() throws {
        let impostor = AgencyRootKey.generate(name: try AgencyName("alpha"))
        #expect(throws: TrustError.signerKeyMismatch(agency: "alpha")) {
            try issue(Fixture.request("alpha/x"), key: impostor)
        }
    }

    @Test func agencyMustBeInTheCharter() throws {
        let delta = try Fixture.outsider("delta")
        #expect(throws: TrustError.agencyNotInCharter("delta")) { try issue(Fixture.request("delta/x"), key: delta) }
    }

    @Test func requestMustBeForTheIssuingAgency() throws {
        #expect(throws: TrustError.wrongAgencyKey(keyOf: "bravo", needed: "alpha")) {
            try issue(Fixture.request("alpha/x"), key: Fixture.bravo)
        }
        // Says which key was given and which is needed (issue 17: it spoke of "the object").
        #expect(
            "\(TrustError.wrongAgencyKey(keyOf: "bravo", needed: "alpha"))"
                == "The key given is agency bravo's root key, but this is for a device of agency alpha; use alpha's root key.")
    }

    @Test func suppliedSerialMustBeSixteenBytes() throws {
        #expect(throws: TrustError.invalidLength(what: "certificate serial", expected: 16, actual: 3)) {
            try DeviceCertificate.issue(
                request: Fixture.request("alpha/x"), agencyKey: Fixture.alpha, charter: charter, clearance: "SECRET",
                notBefore: 0, notAfter: 1, serial: [1, 2, 3])
        }
    }
}
