import CairnCrypto
import CairnTestSupport
import Testing

@testable import CairnTrust

/// Every structural rule of a charter body, through `Charter.make` (which the CLI uses) and,
/// where `make` cannot express the fault, through a hand-made body given to the verifier.
@Suite struct CharterStructureTests {
    let members = [
        AgencyInfo(name: Fixture.alpha.name, rootKey: Fixture.alpha.publicKey, ceiling: "SECRET"),
        AgencyInfo(name: Fixture.bravo.name, rootKey: Fixture.bravo.publicKey, ceiling: "CONFIDENTIAL"),
        AgencyInfo(name: Fixture.charlie.name, rootKey: Fixture.charlie.publicKey, ceiling: "RESTRICTED"),
    ]

    private func make(
        name: String = "federation", id: [UInt8]? = nil, version: UInt64 = 1, levels: [String] = Charter.standardLevels,
        agencies: [AgencyInfo]? = nil, threshold: Int = 2
    ) throws -> UnsignedCharter {
        try Charter.make(
            federationName: name, federationID: id, version: version, levels: levels, agencies: agencies ?? members,
            threshold: threshold, issuedAt: 1_800_000_000)
    }

    @Test func makeBuildsAnUnsignedCharterWithARandomFederationID() throws {
        let first = try make()
        let second = try make()
        #expect(first.signed.kind == .charter)
        #expect(first.signed.signatures.isEmpty)
        #expect(first.federationID.count == 16)
        #expect(first.federationID != second.federationID)
        #expect(first.agencies == members)
        #expect(first.levels.names == Charter.standardLevels)
        #expect(try CharterDraft.inspect(first.signed) == first)
    }

    @Test(arguments: [0, -1, 4])
    func thresholdMustBeBetweenOneAndTheAgencyCount(threshold: Int) {
        #expect(throws: TrustError.thresholdOutOfRange(threshold: threshold, agencies: 3)) { try make(threshold: threshold) }
    }

    @Test func levelsMustBeDeclaredOnceAndWellFormed() {
        #expect(throws: TrustError.noLevels) { try make(levels: []) }
        #expect(throws: TrustError.duplicateLevel("SECRET")) { try make(levels: ["SECRET", "CONFIDENTIAL", "SECRET"]) }
        #expect(throws: TrustError.invalidLevelName("secret")) { try make(levels: ["secret"]) }
    }

    @Test func agenciesMustBeUniqueByNameAndKey() throws {
        let other = try Fixture.outsider("alpha")
        #expect(throws: TrustError.duplicateAgency("alpha")) {
            try make(agencies: members + [AgencyInfo(name: other.name, rootKey: other.publicKey, ceiling: "SECRET")])
        }
        let sharedKey = AgencyInfo(name: try AgencyName("delta"), rootKey: Fixture.bravo.publicKey, ceiling: "SECRET")
        #expect(throws: TrustError.duplicateAgencyKey(first: "bravo", second: "delta")) { try make(agencies: members + [sharedKey]) }
    }

    @Test func agencyNamesAreValidated() {
        #expect(throws: TrustError.invalidAgencyName("Alpha")) {
            try Charter.make(
                federationName: "f", agencies: [(name: "Alpha", rootKey: Fixture.alpha.publicKey, ceiling: "SECRET")],
                threshold: 1, issuedAt: 0)
        }
    }

    @Test func ceilingMustBeALevel() {
        var agencies = members
        agencies[0] = AgencyInfo(name: Fixture.alpha.name, rootKey: Fixture.alpha.publicKey, ceiling: "TOP_SECRET")
        #expect(throws: TrustError.ceilingNotALevel(agency: "alpha", ceiling: "TOP_SECRET")) { try make(agencies: agencies) }
    }

    @Test func federationIdentityIsValidated() {
        #expect(throws: TrustError.invalidLength(what: "federation id", expected: 16, actual: 8)) {
            try make(id: [UInt8](repeating: 1, count: 8))
        }
        #expect(throws: TrustError.invalidFederationName("")) { try make(name: "") }
        #expect(throws: TrustError.invalidFederationName("a?b")) { try make(name: "a\nb") }
        let long = String(repeating: "x", count: 65)
        #expect(throws: TrustError.invalidFederationName(Display.clean(long))) { try make(name: long) }
    }

    @Test func versionStartsAtOne() {
        #expect(throws: TrustError.invalidVersion) { try make(version: 0) }
    }

    @Test func rootKeyOfWrongLengthIsRefusedWhenVerifying() throws {
        var fields = try Fixture.charterFields()
        fields.agencies[2].rootKey = [UInt8](repeating: 9, count: 31)
        let signed = try Fixture.sign(.charter, fields.encoded(), by: [Fixture.alpha, Fixture.bravo])
        #expect(throws: TrustError.invalidLength(what: "root key of agency charlie", expected: 32, actual: 31)) {
            try Charter.verifyGenesis(signed)
        }
    }

    @Test func bodyWithFieldsUnknownToThisVersionIsRefused() throws {
        // Field 15, varint 1: a rule a newer Cairn might add.
        let body = try Fixture.charterFields().encoded() + [0x78, 0x01]
        let signed = try Fixture.sign(.charter, body, by: [Fixture.alpha, Fixture.bravo])
        #expect(throws: BodyCodec.unknownFieldsError("charter")) { try Charter.verifyGenesis(signed) }
    }

    @Test func bodyThatIsNotProtobufIsMalformed() throws {
        let signed = try Fixture.sign(.charter, [0xFF, 0xFF], by: [Fixture.alpha, Fixture.bravo])
        let error = #expect(throws: TrustError.self) { try Charter.verifyGenesis(signed) }
        guard case .malformedObject(what: "charter", _) = error else {
            Issue.record("expected malformedObject, got \(String(describing: error))")
            return
        }
    }
}
