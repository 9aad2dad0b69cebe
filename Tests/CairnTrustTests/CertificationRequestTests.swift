import CairnCrypto
import CairnTestSupport
import Testing

@testable import CairnTrust

@Suite struct CertificationRequestTests {
    @Test func requestCarriesTheDevicesPublicKeysAndVerifies() throws {
        let keys = DeviceSecretKeys.generate()
        let signed = try CertificationRequest.create(
            keys: keys, agency: try AgencyName("bravo"), device: try DeviceName("van-3"), createdAt: 1_800_000_000)
        #expect(signed.kind == .request)
        #expect(signed.signatures.map(\.signer) == ["bravo/van-3"])
        let request = try CertificationRequest.verify(SignedObject.parse(armored: signed.armored(), kind: .request))
        #expect(request.ref.description == "bravo/van-3")
        #expect(request.publicKeys == keys.publicKeys)
        #expect(request.deviceID == keys.deviceID)
        #expect(request.createdAt == 1_800_000_000)
    }

    @Test func committedRequestsVerify() throws {
        for (ref, _) in TestKeys.devices {
            let request = try CertificationRequest.verify(TestKeys.request(ref))
            #expect(request.ref.description == ref)
            #expect(request.publicKeys == TestKeys.device(ref).publicKeys)
        }
    }

    @Test func tamperedRequestIsRefused() throws {
        let good = TestKeys.request("alpha/hq")
        #expect(throws: TrustError.badSignature(signer: "alpha/hq")) {
            try CertificationRequest.verify(Fixture.withBody(good, Fixture.flipped(good.body, at: 3)))
        }
    }

    @Test func signerMustBeTheDeviceTheRequestNames() throws {
        let keys = DeviceSecretKeys.generate()
        let fields = RequestFields(
            agency: "alpha", device: "a", signingKey: keys.signing.publicKey.bytes,
            wrappingKey: keys.wrapping.publicKey.bytes, tlsKey: keys.tls.publicKey.bytes, createdAt: 0)
        let signed = try SignedObject(kind: .request, body: fields.encoded()).adding(signer: "alpha/b", key: keys.signing)
        #expect(throws: TrustError.signerMismatch(signer: "alpha/b", expected: "alpha/a")) {
            try CertificationRequest.verify(signed)
        }
    }

    @Test func requestMustBeSignedByTheKeyItCertifies() throws {
        // Someone else's valid signature over a request naming this device's keys proves
        // nothing about holding them.
        let keys = DeviceSecretKeys.generate()
        let other = DeviceSecretKeys.generate()
        let fields = RequestFields(
            agency: "alpha", device: "a", signingKey: keys.signing.publicKey.bytes,
            wrappingKey: keys.wrapping.publicKey.bytes, tlsKey: keys.tls.publicKey.bytes, createdAt: 0)
        let signed = try SignedObject(kind: .request, body: fields.encoded()).adding(signer: "alpha/a", key: other.signing)
        #expect(throws: TrustError.signerMismatch(signer: "alpha/a", expected: "the request's signing key")) {
            try CertificationRequest.verify(signed)
        }
    }

    @Test func requestTakesExactlyOneSignature() throws {
        let good = TestKeys.request("alpha/hq")
        let twice = try good.adding(signer: "alpha/other", key: DeviceSecretKeys.generate().signing)
        #expect(throws: TrustError.unexpectedSignatureCount(expected: 1, found: 2)) { try CertificationRequest.verify(twice) }
        #expect(throws: TrustError.wrongKind(expected: "cairn/v1/request", found: "cairn/v1/certificate")) {
            try CertificationRequest.verify(TestKeys.certificate("alpha/hq"))
        }
    }
}
