import CairnModel
import CairnCrypto
import CairnTestSupport
import Testing

@testable import CairnTrust

/// Amendments: version n+1 is valid only when `threshold` agencies of version n sign it.
@Suite struct CharterAmendmentTests {
    let v1 = Fixture.charter
    let delta: AgencyRootKey

    init() throws {
        delta = try Fixture.outsider("delta")
    }

    /// Version 2: adds delta (RESTRICTED), same threshold.
    private func v2Fields() throws -> CharterFields {
        var fields = try Fixture.charterFields()
        fields.version = 2
        fields.agencies.append(AgencyFields(name: "delta", rootKey: delta.publicKey.bytes, ceiling: "RESTRICTED"))
        fields.issuedAt += 86_400
        return fields
    }

    private func amendment(_ fields: CharterFields, by keys: [AgencyRootKey]) throws -> SignedObject {
        try Fixture.sign(.charter, fields.encoded(), by: keys)
    }

    @Test func twoOfThreeMembersMayAmend() throws {
        let v2 = try v1.verifySuccessor(amendment(v2Fields(), by: [Fixture.alpha, Fixture.charlie]))
        #expect(v2.version == 2)
        #expect(v2.federationID == v1.federationID)
        #expect(v2.agencies.map(\.name.value) == ["alpha", "bravo", "charlie", "delta"])
        #expect(try v2.ceiling(of: "delta") == "RESTRICTED")
    }

    @Test func makeBuildsAnAmendmentToo() throws {
        var draft = try Charter.make(
            federationName: v1.federationName, federationID: v1.federationID, version: v1.version + 1,
            levels: v1.levels.names, agencies: Array(v1.agencies.prefix(2)), threshold: 1, issuedAt: v1.issuedAt + 1)
        draft = try draft.sign(with: Fixture.bravo).sign(with: Fixture.charlie)
        let v2 = try v1.verifySuccessor(draft.signed)
        #expect(v2.threshold == 1)
        #expect(v2.agency(named: "charlie") == nil)
    }

    @Test func oneOfThreeIsNotEnough() throws {
        #expect(throws: TrustError.insufficientSignatures(have: 1, need: 2, ignored: [])) {
            try v1.verifySuccessor(amendment(v2Fields(), by: [Fixture.alpha]))
        }
    }

    @Test func signatureByAnAgencyAddedOnlyInTheNewVersionDoesNotCount() throws {
        #expect(throws: TrustError.insufficientSignatures(have: 1, need: 2, ignored: ["delta"])) {
            try v1.verifySuccessor(amendment(v2Fields(), by: [Fixture.alpha, delta]))
        }
        // With two old members, the newcomer's co-signature is harmless.
        #expect(try v1.verifySuccessor(amendment(v2Fields(), by: [Fixture.alpha, delta, Fixture.bravo])).version == 2)
    }

    @Test func signatureByAnAgencyRemovedInTheCurrentVersionDoesNotCount() throws {
        var fields = try Fixture.charterFields()
        fields.version = 2
        fields.agencies.removeLast()  // charlie leaves
        let v2 = try v1.verifySuccessor(amendment(fields, by: [Fixture.alpha, Fixture.bravo]))
        fields.version = 3
        #expect(throws: TrustError.insufficientSignatures(have: 1, need: 2, ignored: ["charlie"])) {
            try v2.verifySuccessor(amendment(fields, by: [Fixture.alpha, Fixture.charlie]))
        }
    }

    @Test func signaturesAreCheckedBeforeTheBodyIsParsed() throws {
        // Garbage with no valid signatures is refused for its signatures, never parsed.
        #expect(throws: TrustError.insufficientSignatures(have: 0, need: 2, ignored: [])) {
            try v1.verifySuccessor(SignedObject(kind: .charter, body: [0xFF, 0xFF, 0xFF]))
        }
        // A member's signature with a key other than the charter's is refused at once.
        let forged = try SignedObject(kind: .charter, body: [0xFF]).adding(signer: "alpha", key: delta.privateKey)
        #expect(throws: TrustError.signerKeyMismatch(agency: "alpha")) { try v1.verifySuccessor(forged) }
    }

    @Test func tamperedAmendmentIsRefused() throws {
        let good = try amendment(v2Fields(), by: [Fixture.alpha, Fixture.bravo])
        for index in [0, good.body.count / 2, good.body.count - 1] {
            #expect(throws: TrustError.badSignature(signer: "alpha")) {
                try v1.verifySuccessor(Fixture.withBody(good, Fixture.flipped(good.body, at: index)))
            }
        }
    }

    @Test func amendmentMustKeepTheFederation() throws {
        var fields = try v2Fields()
        fields.federationID = [UInt8](repeating: 0xEE, count: 16)
        #expect(throws: TrustError.federationMismatch(expected: v1.federationIDHex, found: Hex.encode(fields.federationID))) {
            try v1.verifySuccessor(amendment(fields, by: [Fixture.alpha, Fixture.bravo]))
        }
    }

    @Test func versionsMayNotBeSkipped() throws {
        var fields = try v2Fields()
        fields.version = 3
        #expect(throws: TrustError.versionGap(current: 1, offered: 3)) {
            try v1.verifySuccessor(amendment(fields, by: [Fixture.alpha, Fixture.bravo]))
        }
    }

    @Test func amendmentIsStructurallyValidatedAfterItsSignatures() throws {
        var fields = try v2Fields()
        fields.threshold = 5
        #expect(throws: TrustError.thresholdOutOfRange(threshold: 5, agencies: 4)) {
            try v1.verifySuccessor(amendment(fields, by: [Fixture.alpha, Fixture.bravo]))
        }
    }

    @Test func rollbackIsRefused() throws {
        let v2 = try v1.verifySuccessor(amendment(v2Fields(), by: [Fixture.alpha, Fixture.bravo]))
        #expect(throws: TrustError.rollback(offered: 1, held: 2)) { try Charter.accept(offered: v1.signed, held: v2) }
        #expect(throws: TrustError.rollback(offered: 1, held: 2)) { try v2.verifySuccessor(v1.signed) }
    }

    @Test func byteIdenticalSameVersionIsAccepted() throws {
        #expect(try Charter.accept(offered: v1.signed, held: v1) == v1)
        // Extra signatures do not change the charter: the held one is kept.
        let cosigned = try v1.signed.sign(with: Fixture.charlie)
        #expect(try Charter.accept(offered: cosigned, held: v1) == v1)
    }

    @Test func differentCharterWithTheSameVersionIsAFork() throws {
        var fields = try Fixture.charterFields()
        fields.issuedAt += 1
        #expect(throws: TrustError.conflictingCharter(version: 1)) {
            try Charter.accept(offered: amendment(fields, by: [Fixture.alpha, Fixture.bravo]), held: v1)
        }
    }

    @Test func acceptTakesTheNextVersionAndChainsVerifyInOrder() throws {
        let v2Signed = try amendment(v2Fields(), by: [Fixture.bravo, Fixture.charlie])
        var v3Fields = try v2Fields()
        v3Fields.version = 3
        v3Fields.threshold = 3
        let v3Signed = try amendment(v3Fields, by: [delta, Fixture.alpha])  // delta counts in v2
        let v2 = try Charter.accept(offered: v2Signed, held: v1)
        let v3 = try Charter.accept(offered: v3Signed, held: v2)
        #expect(v3.version == 3)
        #expect(v3.threshold == 3)
        #expect(try Charter.verifyChain([v1.signed, v2Signed, v3Signed], expectedGenesisFingerprint: v1.fingerprint) == v3)
        // Skipping v2 fails even when signed by enough members of v1.
        let v3ByOldMembers = try amendment(v3Fields, by: [Fixture.alpha, Fixture.bravo])
        #expect(throws: TrustError.versionGap(current: 1, offered: 3)) { try Charter.accept(offered: v3ByOldMembers, held: v1) }
        #expect(throws: TrustError.versionGap(current: 1, offered: 3)) { try Charter.verifyChain([v1.signed, v3ByOldMembers]) }
        #expect(throws: TrustError.notGenesis(version: 2)) { try Charter.verifyChain([v2Signed, v3Signed]) }
    }
}
