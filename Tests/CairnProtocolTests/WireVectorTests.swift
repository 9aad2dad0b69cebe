import CairnCrypto
import CairnModel
import CairnTestSupport
import CairnWire
import Foundation
import Testing

@testable import CairnProtocol

/// Reads the committed deltas of `Keys/vectors/wire/` with today's code. A failure here means
/// deltas already stored or in flight would no longer be accepted: either the change is a bug,
/// or it needs a new format number (and the old reader kept), not a regenerated fixture.
@Suite("Wire known-answer vectors")
struct WireVectorTests {
    @Test func committedDeltaParsesVerifiesAndOpensToTheExpectedChange() throws {
        let vector: WireVectors.Delta = try WireVectors.load(WireVectors.deltaFile)
        let authorKey = try Ed25519.PublicKey(bytes: unhex(vector.authorKey))
        let key = try XChaCha20Poly1305.Key(SecureBytes(copying: unhex(vector.epochKey)))
        let envelope = try unhex(vector.envelope)

        let delta = try SealedDelta.parse(envelope)
        try delta.verify(authorKey: authorKey)
        let change = try delta.open(key: key)

        #expect(change == WireVectors.change(author: try DeviceID(unhex(vector.authorKey))))
        #expect(delta.id == (try unhex(vector.id)))
        #expect(delta.id == Forge.deltaID(header: delta.headerBytes, bodyHash: BLAKE2b.hash(delta.body), signature: delta.signature))
        // The redacted form keeps the id and the signature.
        let redacted = try SealedDelta.parse(delta.redacted().envelope)
        #expect(redacted.id == (try unhex(vector.id)))
        try redacted.verify(authorKey: authorKey)
        #expect(delta.headerBytes == (try unhex(vector.header)))
        let header = delta.header
        #expect(header.format == 1)
        #expect(header.kind == .records)
        #expect(header.author.bytes == authorKey.bytes)
        #expect(header.level == vector.level)
        #expect(header.sequence == vector.sequence)
        #expect(header.previous == (try unhex(vector.previous)))
        #expect(header.hlc == HLCTimestamp(wallMillis: vector.hlcWall, counter: vector.hlcCounter))
        #expect(header.epoch == (try EpochRef(number: vector.epochNumber, keyID: unhex(vector.epochKeyID))))
        // The inputs are the generator's, so the file and the code agree on what was sealed.
        #expect(vector.previous == hex(WireVectors.previous))
        #expect(header.hlc == WireVectors.hlc)
    }

    @Test func todaysEncoderWritesTheCommittedDeltaBytes() throws {
        // Everything but the nonce is deterministic: the header and body encodings, the
        // signature and the envelope must come out byte for byte.
        let vector: WireVectors.Delta = try WireVectors.load(WireVectors.deltaFile)
        let key = try XChaCha20Poly1305.Key(SecureBytes(copying: unhex(vector.epochKey)))
        let delta = try SealedDelta.parse(unhex(vector.envelope))

        #expect(WireDecoding.encode(WireHeader.toWire(delta.header)) == delta.headerBytes)
        var body = Cairn_V1_DeltaBody()
        body.operations = WireVectors.change(author: delta.header.author).operations.map(WireOperation.toWire)
        let plaintext = try XChaCha20Poly1305.open(delta.body, associatedData: delta.headerBytes, key: key)
        #expect(plaintext == (try unhex(vector.plaintextBody)))
        #expect(WireDecoding.encode(body) == plaintext)

        let author = TestKeys.device(vector.author)
        try #require(hex(author.signing.publicKey.bytes) == vector.authorKey, "Keys/test changed: regenerate the wire vectors")
        let reassembled = try SealedDelta.assemble(
            header: delta.header, headerBytes: delta.headerBytes, body: delta.body, signer: author.signing)
        #expect(reassembled.envelope == delta.envelope)
        #expect(reassembled.signature == Forge.sign(header: delta.headerBytes, body: delta.body, with: author.signing))
    }

    @Test func committedGrantReadsAndOpensToTheExpectedKey() throws {
        let vector: WireVectors.Grant = try WireVectors.load(WireVectors.grantFile)
        let authorKey = try Ed25519.PublicKey(bytes: unhex(vector.authorKey))
        let recipient = TestKeys.device(vector.recipient)
        try #require(hex(recipient.deviceID.bytes) == vector.recipientKey, "Keys/test changed: regenerate the wire vectors")

        let delta = try SealedDelta.parse(unhex(vector.envelope))
        try delta.verify(authorKey: authorKey)
        #expect(delta.id == (try unhex(vector.id)))
        #expect(delta.header.kind == .grant)
        #expect(delta.header.epoch == nil)
        #expect(delta.header.level == vector.level)
        #expect(delta.header.sequence == vector.sequence)
        #expect(delta.header.previous.isEmpty)
        #expect(delta.header.hlc == HLCTimestamp(wallMillis: vector.hlcWall, counter: vector.hlcCounter))

        let grant = try EpochGrant.read(from: delta)
        #expect(grant.level == vector.level)
        #expect(grant.epoch == (try EpochRef(number: vector.epochNumber, keyID: unhex(vector.epochKeyID))))
        #expect(grant.recipient == recipient.deviceID)
        #expect(grant.recipientWrappingKey.bytes == (try unhex(vector.recipientWrappingKey)))
        let key = try grant.openKey(with: recipient.wrapping)
        #expect(key.secret.copyBytes() == (try unhex(vector.epochKey)))
    }

    @Test func todaysEncoderWritesTheCommittedGrantBytes() throws {
        // A grant delta has no nonce of its own (the sealed key is carried as is), so re-sending
        // the read grant must reproduce the envelope exactly.
        let vector: WireVectors.Grant = try WireVectors.load(WireVectors.grantFile)
        let author = TestKeys.device(vector.author)
        try #require(hex(author.signing.publicKey.bytes) == vector.authorKey, "Keys/test changed: regenerate the wire vectors")
        let delta = try SealedDelta.parse(unhex(vector.envelope))
        let grant = try EpochGrant.read(from: delta)
        let resent = try grant.delta(
            author: author.deviceID, sequence: delta.header.sequence, previous: delta.header.previous,
            hlc: delta.header.hlc, signer: author.signing)
        #expect(resent.envelope == delta.envelope)
        #expect(resent.id == delta.id)
    }

    @Test func committedFilesHaveTheShapeTheGeneratorWrites() throws {
        // Only the random parts may differ from a fresh generation.
        var committed: WireVectors.Delta = try WireVectors.load(WireVectors.deltaFile)
        var fresh = try WireVectors.makeDelta()
        #expect(committed.plaintextBody == fresh.plaintextBody)
        #expect(committed.header == fresh.header)
        committed.envelope = ""
        committed.id = ""
        fresh.envelope = ""
        fresh.id = ""
        #expect(committed == fresh)

        var committedGrant: WireVectors.Grant = try WireVectors.load(WireVectors.grantFile)
        var freshGrant = try WireVectors.makeGrant()
        committedGrant.envelope = ""
        committedGrant.id = ""
        freshGrant.envelope = ""
        freshGrant.id = ""
        #expect(committedGrant == freshGrant)
    }
}

@Suite(.serialized) struct WireVectorGeneratorTests {
    /// Rewrites `Keys/vectors/wire/`. Run it only when the wire format changes on purpose (and
    /// then under a new format number): `CAIRN_REGENERATE_WIRE_VECTORS=1 swift test --filter
    /// WireVectorGeneratorTests`.
    @Test(.enabled(if: ProcessInfo.processInfo.environment["CAIRN_REGENERATE_WIRE_VECTORS"] == "1"))
    func regenerate() throws {
        try WireVectors.write(WireVectors.makeDelta(), to: WireVectors.deltaFile)
        try WireVectors.write(WireVectors.makeGrant(), to: WireVectors.grantFile)
    }
}
