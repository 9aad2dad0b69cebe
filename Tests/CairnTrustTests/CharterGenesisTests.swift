import CairnModel
import CairnCrypto
import CairnTestSupport
import Testing

@testable import CairnTrust

@Suite struct CharterGenesisTests {
    let charter = Fixture.charter

    /// The genesis body, signed by `keys`.
    private func genesis(_ fields: CharterFields? = nil, by keys: [AgencyRootKey]) throws -> SignedObject {
        try Fixture.sign(.charter, (fields ?? Fixture.charterFields()).encoded(), by: keys)
    }

    @Test func testCharterVerifies() throws {
        #expect(charter.version == 1)
        #expect(charter.federationName == "test-federation")
        #expect(charter.threshold == 2)
        #expect(charter.levels.names == ["UNCLASSIFIED", "RESTRICTED", "CONFIDENTIAL", "SECRET"])
        #expect(charter.agencies.map(\.name.value) == ["alpha", "bravo", "charlie"])
        #expect(charter.agencies.map(\.ceiling) == ["SECRET", "CONFIDENTIAL", "RESTRICTED"])
        #expect(charter.agency(named: "bravo")?.rootKey == Fixture.bravo.publicKey)
        #expect(charter.agency(named: "zulu") == nil)
        #expect(try charter.ceiling(of: "charlie") == "RESTRICTED")
        #expect(charter.fingerprint == BLAKE2b.hash(charter.signed.body))
        #expect(charter.fingerprintHex.count == 64)
        #expect(charter.signed.signatures.map(\.signer) == ["alpha", "bravo"])
    }

    @Test func ceilingOfANonMemberIsAnError() {
        #expect(throws: TrustError.agencyNotInCharter("zulu")) { try charter.ceiling(of: "zulu") }
    }

    @Test func anyTwoMembersMayFoundIt() throws {
        #expect(try Charter.verifyGenesis(genesis(by: [Fixture.charlie, Fixture.bravo])).version == 1)
        #expect(try Charter.verifyGenesis(genesis(by: [Fixture.alpha, Fixture.bravo, Fixture.charlie])).version == 1)
    }

    @Test func oneSignatureIsNotEnough() throws {
        #expect(throws: TrustError.insufficientSignatures(have: 1, need: 2, ignored: [])) {
            try Charter.verifyGenesis(genesis(by: [Fixture.alpha]))
        }
        #expect(throws: TrustError.insufficientSignatures(have: 0, need: 2, ignored: [])) {
            try Charter.verifyGenesis(genesis(by: []))
        }
    }

    @Test func signatureByANonMemberDoesNotCount() throws {
        let delta = try Fixture.outsider()
        #expect(throws: TrustError.insufficientSignatures(have: 1, need: 2, ignored: ["delta"])) {
            try Charter.verifyGenesis(genesis(by: [Fixture.alpha, delta]))
        }
    }

    @Test func signatureUnderAMembersNameWithAnotherKeyIsRefused() throws {
        let impostor = try Fixture.outsider()
        let signed = try genesis(by: [Fixture.alpha]).adding(signer: "bravo", key: impostor.privateKey)
        #expect(throws: TrustError.signerKeyMismatch(agency: "bravo")) { try Charter.verifyGenesis(signed) }
    }

    @Test func signatureKeyOfWrongLengthIsRefused() throws {
        let good = try genesis(by: [Fixture.alpha, Fixture.bravo])
        let bravo = good.signatures[1]
        let broken = SignedObject(
            kind: .charter, body: good.body,
            signatures: [good.signatures[0], .init(signer: "bravo", publicKey: Array(bravo.publicKey.prefix(31)), signature: bravo.signature)])
        #expect(throws: TrustError.invalidLength(what: "public key of bravo's signature", expected: 32, actual: 31)) {
            try Charter.verifyGenesis(broken)
        }
    }

    @Test func alteredSignatureIsRefused() throws {
        let good = try genesis(by: [Fixture.alpha, Fixture.bravo])
        let bravo = good.signatures[1]
        let broken = SignedObject(
            kind: .charter, body: good.body,
            signatures: [good.signatures[0], .init(signer: "bravo", publicKey: bravo.publicKey, signature: Fixture.flipped(bravo.signature, at: 5))])
        #expect(throws: TrustError.badSignature(signer: "bravo")) { try Charter.verifyGenesis(broken) }
    }

    @Test func tamperedBodyIsRefused() throws {
        // Change the federation name ("test-federation" → "uest-federation"): still a valid
        // body, so only the signatures can catch it.
        let body = charter.signed.body
        let index = try #require(body.firstRange(of: Array("test-federation".utf8))).lowerBound
        let tampered = Fixture.withBody(charter.signed, Fixture.flipped(body, at: index))
        #expect(throws: TrustError.badSignature(signer: "alpha")) { try Charter.verifyGenesis(tampered) }
    }

    @Test func duplicateSignaturesAreRefused() throws {
        #expect(throws: TrustError.duplicateSignature(signer: "alpha")) {
            try genesis(by: [Fixture.alpha]).sign(with: Fixture.alpha)
        }
        let once = try genesis(by: [Fixture.alpha])
        let twice = SignedObject(kind: .charter, body: once.body, signatures: once.signatures + once.signatures)
        #expect(throws: TrustError.duplicateSignature(signer: "alpha")) { try Charter.verifyGenesis(twice) }
    }

    @Test func genesisMustBeVersionOne() throws {
        var fields = try Fixture.charterFields()
        fields.version = 2
        #expect(throws: TrustError.notGenesis(version: 2)) {
            try Charter.verifyGenesis(genesis(fields, by: [Fixture.alpha, Fixture.bravo]))
        }
    }

    @Test func otherKindsAreRefused() {
        let asCertificate = SignedObject(kind: .certificate, body: charter.signed.body, signatures: charter.signed.signatures)
        #expect(throws: TrustError.wrongKind(expected: "cairn/v1/charter", found: "cairn/v1/certificate")) {
            try Charter.verifyGenesis(asCertificate)
        }
        #expect(throws: TrustError.wrongKind(expected: "cairn/v1/charter", found: "cairn/v1/certificate")) {
            try Charter.verifyGenesis(TestKeys.certificate("alpha/hq"))
        }
    }

    @Test func pinnedFingerprintIsEnforced() throws {
        #expect(try Charter.verifyGenesis(charter.signed, expectedFingerprint: charter.fingerprint) == charter)
        let other = [UInt8](repeating: 0, count: 32)
        #expect(throws: TrustError.fingerprintMismatch(expected: Hex.encode(other), found: charter.fingerprintHex)) {
            try Charter.verifyGenesis(charter.signed, expectedFingerprint: other)
        }
    }

    @Test func draftsAreSignedOneAgencyAtATime() throws {
        var draft = try CharterDraft.inspect(SignedObject(kind: .charter, body: charter.signed.body))
        #expect(draft.fingerprint == charter.fingerprint)
        draft = try draft.sign(with: Fixture.alpha)
        #expect(throws: TrustError.insufficientSignatures(have: 1, need: 2, ignored: [])) {
            try Charter.verifyGenesis(draft.signed)
        }
        draft = try draft.sign(with: Fixture.bravo)
        // Ed25519 is deterministic: the same signatures as the committed charter.
        #expect(try Charter.verifyGenesis(draft.signed) == charter)
    }

    @Test func acceptWithNothingHeldTakesAGenesisOnly() throws {
        #expect(try Charter.accept(offered: charter.signed, held: nil) == charter)
        #expect(throws: TrustError.emptyChain) { try Charter.verifyChain([]) }
    }
}
