import CairnCrypto
import CairnProtocol
import CairnTestSupport
import CairnTrust
import NIOPosix
import Testing

@testable import CairnDaemon

/// `SyncContext.admit` on a real site: whoever has not shown a certificate of this federation
/// for the TLS key it proved gets `strangerGoodbye` whatever the reason (each reason still has
/// its own code for the audit log); a certified device is told why.
@Suite struct SyncAdmitTests {
    static func withContext(_ body: (SyncContext) throws -> Void) throws {
        try withTemporaryDirectory { directory in
            let site = try SiteFixture.load(try SiteFixture.config(in: directory, device: "alpha/hq"))
            defer { try? site.database.close() }
            let pool = NIOThreadPool(numberOfThreads: 1)
            var context = SyncContext(
                site: site, threadPool: pool, limits: SyncLimits(), registry: PeerRegistry(),
                auditor: Auditor(site: site, threadPool: pool), logger: SiteFixture.logger)
            context.now = { TestKeys.now }
            try body(context)
        }
    }

    static func hello(_ certificate: [UInt8], federation: [UInt8]? = nil) -> HelloFrame {
        let charter = TestKeys.charter()
        return HelloFrame(federationID: federation ?? charter.federationID, charterVersion: charter.version, certificate: certificate)
    }

    static func refusal(_ result: Result<DeviceCertificate, SyncContext.Refusal>) -> SyncContext.Refusal? {
        if case .failure(let refusal) = result { return refusal }
        return nil
    }

    @Test func strangersGetOneAnswerWhateverTheReason() throws {
        try Self.withContext { context in
            let bravo = TestKeys.verifiedCertificate("bravo/hq")
            let bravoTLS = bravo.tlsKey.bytes
            var foreign = TestKeys.charter().federationID
            foreign[0] ^= 0xff
            let refusals = [
                Self.refusal(context.admit(Self.hello(bravo.signed.serialized(), federation: foreign), tlsKey: bravoTLS)),
                Self.refusal(context.admit(Self.hello(Array("garbage".utf8)), tlsKey: bravoTLS)),
                Self.refusal(context.admit(Self.hello(bravo.signed.serialized()), tlsKey: DeviceSecretKeys.generate().tls.publicKey.bytes)),
            ]
            #expect(refusals.map { $0?.code } == ["foreign_federation", "certificate_invalid", "tls_key_mismatch"])
            #expect(refusals.allSatisfy { $0?.answer == SyncContext.strangerGoodbye })
            // The detail, for this site's audit log only, still says what was wrong.
            #expect(refusals.allSatisfy { $0.map { $0.message != $0.answer } == true })
        }
    }

    @Test func certifiedDevicesAreToldWhy() throws {
        try Self.withContext { context in
            let bravo = TestKeys.verifiedCertificate("bravo/hq")
            var context = context
            guard case .success(let admitted) = context.admit(Self.hello(bravo.signed.serialized()), tlsKey: bravo.tlsKey.bytes) else {
                Issue.record("bravo/hq was not admitted")
                return
            }
            #expect(admitted.deviceID == bravo.deviceID)

            let alpha = TestKeys.verifiedCertificate("alpha/hq")
            let own = Self.refusal(context.admit(Self.hello(alpha.signed.serialized()), tlsKey: alpha.tlsKey.bytes))
            #expect(own?.code == "self" && own?.answer == own?.message)

            context.now = { bravo.notAfter }
            let expired = Self.refusal(context.admit(Self.hello(bravo.signed.serialized()), tlsKey: bravo.tlsKey.bytes))
            #expect(expired?.code == "certificate_expired" && expired?.answer.contains("expired") == true)
            context.now = { bravo.notBefore - 1 }
            let early = Self.refusal(context.admit(Self.hello(bravo.signed.serialized()), tlsKey: bravo.tlsKey.bytes))
            #expect(early?.code == "certificate_not_yet_valid" && early?.answer != SyncContext.strangerGoodbye)
            context.now = { TestKeys.now }

            let revocation = try Revocation.issue(
                certificate: bravo, agencyKey: TestKeys.agency("bravo"), charter: TestKeys.charter(), effectiveAt: TestKeys.now - 60,
                reason: "lost")
            #expect(try context.site.trust.accept(revocations: [revocation.serialized()], from: "test") == 1)
            let revoked = Self.refusal(context.admit(Self.hello(bravo.signed.serialized()), tlsKey: bravo.tlsKey.bytes))
            #expect(revoked?.code == "revoked" && revoked?.answer.contains("revoked") == true)
            // A stranger presenting the revoked device's certificate is still only a stranger.
            let thief = Self.refusal(
                context.admit(Self.hello(bravo.signed.serialized()), tlsKey: DeviceSecretKeys.generate().tls.publicKey.bytes))
            #expect(thief?.code == "tls_key_mismatch" && thief?.answer == SyncContext.strangerGoodbye)
        }
    }
}
