import CairnCrypto
import CairnTestSupport
import Testing

@testable import CairnTrust

@Suite struct TestKeyRegistryTests {
    @Test func recognisesEveryTestKeyAndNoFreshOne() throws {
        for (name, _) in TestKeys.agencies { #expect(TestKeyRegistry.isTestKey(TestKeys.agency(name).publicKey)) }
        for (ref, _) in TestKeys.devices {
            let keys = TestKeys.device(ref).publicKeys
            #expect(TestKeyRegistry.isTestKey(keys.signing))
            #expect(TestKeyRegistry.isTestKey(keys.wrapping))
            #expect(TestKeyRegistry.isTestKey(keys.tls))
        }
        #expect(!TestKeyRegistry.isTestKey(Ed25519.PrivateKey().publicKey))
        #expect(!TestKeyRegistry.isTestKey(X25519.PrivateKey().publicKey))
    }

    @Test func testKeysAreRefusedOutsideTestMode() throws {
        let charter = Fixture.charter
        #expect(throws: TrustError.testKeyOutsideTestMode(what: "The root key of agency alpha in the charter")) {
            try TestKeyRegistry.check(charter, testMode: false)
        }
        #expect(throws: TrustError.testKeyOutsideTestMode(what: "This device's key file")) {
            try TestKeyRegistry.check(TestKeys.device("bravo/hq"), testMode: false)
        }
        #expect(throws: TrustError.testKeyOutsideTestMode(what: "The certificate of charlie/hq")) {
            try TestKeyRegistry.check(TestKeys.verifiedCertificate("charlie/hq"), testMode: false)
        }
        #expect(throws: TrustError.testKeyOutsideTestMode(what: "The root key of agency bravo")) {
            try TestKeyRegistry.check(Fixture.bravo, testMode: false)
        }
        try TestKeyRegistry.check(charter, testMode: true)
        try TestKeyRegistry.check(TestKeys.device("bravo/hq"), testMode: true)
        try TestKeyRegistry.check(DeviceSecretKeys.generate(), testMode: false)
        try TestKeyRegistry.check(AgencyRootKey.generate(name: try AgencyName("alpha")), testMode: false)
    }

    @Test func errorMessagesSayWhatToDo() {
        let samples: [TrustError] = [
            .rollback(offered: 1, held: 2), .insufficientSignatures(have: 1, need: 2, ignored: ["delta"]),
            .keyFilePermissions(path: "/k", mode: 0o644), .testKeyOutsideTestMode(what: "The key"),
            .clearanceAboveCeiling(clearance: "SECRET", ceiling: "RESTRICTED", agency: "charlie"),
        ]
        for error in samples {
            #expect(error.description.contains(";"), "\(error) should say what to do")
        }
        #expect(TrustError.keyFilePermissions(path: "/k", mode: 0o644).description.contains("644"))
        #expect(TrustError.insufficientSignatures(have: 1, need: 2, ignored: ["delta"]).description.contains("delta"))
    }

    @Test func signatureCountsReadAsEnglish() {
        #expect(TrustError.insufficientSignatures(have: 1, need: 2, ignored: []).description.contains("by 1 member agency but"))
        #expect(TrustError.insufficientSignatures(have: 0, need: 2, ignored: []).description.contains("by 0 member agencies but"))
        #expect(TrustError.insufficientSignatures(have: 2, need: 3, ignored: []).description.contains("by 2 member agencies but"))
    }

    @Test func anotherAgencysKeyIsNamedAsSuch() {
        let text = TrustError.agencyMismatch(expected: "bravo", found: "alpha").description
        #expect(text == "The object names agency alpha but is signed with agency bravo's root key; only alpha's root key may sign it.")
    }
}
