import CairnCrypto
import CairnModel
import CairnProtocol
import Testing

@Suite("SealedDelta round trip")
struct SealedDeltaRoundTripTests {
    @Test func sealParseVerifyOpenReturnsTheSameChange() throws {
        let change = Fixture.change()
        let sealed = try Fixture.sealed(change)
        let received = try SealedDelta.parse(sealed.envelope)
        try received.verify(authorKey: Fixture.alpha.signing.publicKey)
        #expect(try received.open(key: Fixture.key) == change)
        #expect(received == sealed)
    }

    @Test func deltaIDHashesHeaderBodyHashAndSignature() throws {
        let sealed = try Fixture.sealed()
        let received = try SealedDelta.parse(sealed.envelope)
        #expect(sealed.id.count == 32)
        #expect(sealed.id == Forge.deltaID(header: sealed.headerBytes, bodyHash: BLAKE2b.hash(sealed.body), signature: sealed.signature))
        #expect(sealed.id != BLAKE2b.hash(sealed.envelope))
        #expect(received.id == sealed.id)
    }

    @Test func headerFieldsSurviveTheWire() throws {
        let change = Fixture.change()
        let received = try SealedDelta.parse(Fixture.sealed(change, sequence: 2, previous: Fixture.previous).envelope)
        let header = received.header
        #expect(header.format == DeltaHeader.currentFormat)
        #expect(header.kind == .records)
        #expect(header.author == Fixture.alpha.deviceID)
        #expect(header.level == Fixture.level)
        #expect(header.stream == StreamID(author: Fixture.alpha.deviceID, level: Fixture.level))
        #expect(header.sequence == 2)
        #expect(header.previous == Fixture.previous)
        #expect(header.hlc == Fixture.hlc)
        #expect(header.epoch == Fixture.epoch)
    }

    @Test func firstDeltaOfAStreamHasNoPrevious() throws {
        let received = try SealedDelta.parse(Fixture.sealed(sequence: 1, previous: []).envelope)
        #expect(received.header.sequence == 1)
        #expect(received.header.previous.isEmpty)
        try received.verify(authorKey: Fixture.alpha.signing.publicKey)
        #expect(try received.open(key: Fixture.key) == Fixture.change())
    }

    @Test func extremeHeaderValuesSurvive() throws {
        var change = Fixture.smallChange()
        change.hlc = HLCTimestamp(wallMillis: .max, counter: .max)
        let epoch = try EpochRef(number: .max, keyID: [UInt8](repeating: 0xFF, count: 16))
        let received = try SealedDelta.parse(Fixture.sealed(change, sequence: .max, epoch: epoch).envelope)
        #expect(received.header.sequence == .max)
        #expect(received.header.epoch == epoch)
        #expect(received.header.hlc == change.hlc)
        try received.verify(authorKey: Fixture.alpha.signing.publicKey)
        #expect(try received.open(key: Fixture.key) == change)
    }

    @Test func sealingTwiceGivesDifferentEnvelopesThatOpenAlike() throws {
        // A fresh nonce per seal: equal changes must not give equal ciphertexts.
        let first = try Fixture.sealed()
        let second = try Fixture.sealed()
        #expect(first.body != second.body)
        #expect(first.id != second.id)
        #expect(first.headerBytes == second.headerBytes)
        #expect(try first.open(key: Fixture.key) == second.open(key: Fixture.key))
    }

    @Test func envelopeBuiltByHandFromTheSpecIsAccepted() throws {
        // The positive control for every forged envelope in the other tests.
        let envelope = Forge.records()
        let received = try SealedDelta.parse(envelope)
        try received.verify(authorKey: Fixture.alpha.signing.publicKey)
        let change = try received.open(key: Fixture.key)
        #expect(
            change.operations == [
                .setField(record: Fixture.record("r1"), name: "title", value: .string("forged"), observed: CausalContext())
            ])
        #expect(received.headerBytes == Forge.encode(Forge.recordsHeader()))
    }

    @Test func theModuleWritesTheSpecsEnvelopeAndSignature() throws {
        let sealed = try Fixture.sealed()
        #expect(sealed.envelope == Forge.envelope(header: sealed.headerBytes, body: sealed.body, signature: sealed.signature))
        #expect(sealed.signature == Forge.sign(header: sealed.headerBytes, body: sealed.body, with: Fixture.alpha.signing))
        #expect(sealed.body.count > XChaCha20Poly1305.overhead)
        let plain = try XChaCha20Poly1305.open(sealed.body, associatedData: sealed.headerBytes, key: Fixture.key)
        #expect(!plain.isEmpty)
    }

    @Test func sealRefusesASignerThatIsNotTheAuthor() throws {
        expectProtocolError(.authorMismatch) {
            _ = try SealedDelta.seal(
                change: Fixture.change(), sequence: 1, previous: [], epoch: Fixture.epoch, key: Fixture.key,
                signer: Fixture.bravo.signing)
        }
    }

    @Test func sealRefusesAChangeTheModelRefuses() throws {
        var change = Fixture.change()
        change.operations = []
        #expect(throws: ModelError.emptyChange) {
            _ = try Fixture.sealed(change)
        }
    }

    @Test func openRefusesAGrantDelta() throws {
        let grant = EpochGrant.make(
            level: Fixture.level, epoch: Fixture.epoch, key: Fixture.key, recipient: Fixture.laptop.deviceID,
            recipientWrappingKey: Fixture.laptop.wrapping.publicKey)
        let delta = try SealedDelta.parse(
            grant.delta(
                author: Fixture.alpha.deviceID, sequence: 1, previous: [], hlc: Fixture.hlc, signer: Fixture.alpha.signing
            ).envelope)
        try delta.verify(authorKey: Fixture.alpha.signing.publicKey)
        expectProtocolError(.epochMismatch) { _ = try delta.open(key: Fixture.key) }
    }
}
