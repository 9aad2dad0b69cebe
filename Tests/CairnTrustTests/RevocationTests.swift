import CairnCrypto
import CairnTestSupport
import Testing

@testable import CairnTrust

@Suite struct RevocationTests {
    let charter = Fixture.charter
    let certificate = TestKeys.verifiedCertificate("alpha/laptop")

    @Test func issuedRevocationVerifiesAndNamesTheCertificate() throws {
        let signed = try Revocation.issue(
            certificate: certificate, agencyKey: Fixture.alpha, charter: charter, effectiveAt: 1_800_000_000,
            reason: "laptop lost")
        let revocation = try Revocation.verify(SignedObject.parse(armored: signed.armored(), kind: .revocation), charter: charter)
        #expect(revocation.ref.description == "alpha/laptop")
        #expect(revocation.certificateSerial == certificate.serial)
        #expect(revocation.effectiveAt == 1_800_000_000)
        #expect(revocation.reason == "laptop lost")
        #expect(revocation.revokes(certificate))
        #expect(!revocation.revokes(TestKeys.verifiedCertificate("alpha/hq")))
    }

    @Test func onlyTheDevicesAgencyMayRevokeIt() throws {
        #expect(throws: TrustError.wrongAgencyKey(keyOf: "bravo", needed: "alpha")) {
            try Revocation.issue(certificate: certificate, agencyKey: Fixture.bravo, charter: charter, effectiveAt: 0, reason: "")
        }
        let fields = RevocationFields(
            federationID: charter.federationID, agency: "alpha", device: "laptop", certificateSerial: certificate.serial,
            effectiveAt: 0, reason: "")
        let byBravo = try Fixture.sign(.revocation, fields.encoded(), by: [Fixture.bravo])
        #expect(throws: TrustError.agencyMismatch(expected: "bravo", found: "alpha")) {
            try Revocation.verify(byBravo, charter: charter)
        }
        let byOutsider = try Fixture.sign(.revocation, fields.encoded(), by: [Fixture.outsider()])
        #expect(throws: TrustError.unknownSigner("delta")) { try Revocation.verify(byOutsider, charter: charter) }
    }

    @Test func tamperedRevocationIsRefused() throws {
        let good = try Revocation.issue(
            certificate: certificate, agencyKey: Fixture.alpha, charter: charter, effectiveAt: 5, reason: "compromised")
        #expect(throws: TrustError.badSignature(signer: "alpha")) {
            try Revocation.verify(Fixture.withBody(good, Fixture.flipped(good.body, at: good.body.count - 1)), charter: charter)
        }
    }

    @Test func serialAndReasonAreBounded() throws {
        let ref = try DeviceRef.parse("alpha/laptop")
        #expect(throws: TrustError.invalidLength(what: "certificate serial", expected: 16, actual: 2)) {
            try Revocation.issue(ref: ref, serial: [1, 2], agencyKey: Fixture.alpha, charter: charter, effectiveAt: 0, reason: "")
        }
        let reason = String(repeating: "x", count: Revocation.maxReasonBytes + 1)
        #expect(throws: TrustError.tooLarge(what: "revocation reason", size: reason.utf8.count, limit: Revocation.maxReasonBytes)) {
            try Revocation.issue(
                ref: ref, serial: certificate.serial, agencyKey: Fixture.alpha, charter: charter, effectiveAt: 0, reason: reason)
        }
    }
}
