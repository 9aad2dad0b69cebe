import CairnCrypto
import CairnModel
import Foundation
import Testing

@testable import CairnProtocol

/// The redacted form of a delta: header, body hash and signature, with the same id, verifiable
/// and never openable.
@Suite("Sealed delta redaction")
struct SealedDeltaRedactionTests {
    @Test func bothFormsVerifyUnderOneID() throws {
        let sealed = try Fixture.sealed()
        let redacted = try sealed.redacted()
        #expect(redacted.isRedacted)
        #expect(!sealed.isRedacted)
        #expect(redacted.id == sealed.id)
        #expect(redacted.body.isEmpty)
        #expect(redacted.envelope.count < sealed.envelope.count)
        // Written as the spec says, byte for byte.
        #expect(redacted.envelope == Forge.redactedEnvelope(
            header: sealed.headerBytes, bodyHash: BLAKE2b.hash(sealed.body), signature: sealed.signature))
        let received = try SealedDelta.parse(redacted.envelope)
        #expect(received.id == sealed.id)
        #expect(received.isRedacted)
        try received.verify(authorKey: Fixture.alpha.signing.publicKey)
        try SealedDelta.parse(sealed.envelope).verify(authorKey: Fixture.alpha.signing.publicKey)
        #expect(try received.redacted() == received)
    }

    @Test func aRedactedDeltaCannotBeOpened() throws {
        let redacted = try SealedDelta.parse(Fixture.sealed().redacted().envelope)
        expectProtocolError(.redacted) { _ = try redacted.open(key: Fixture.key) }
    }

    @Test func aTamperedBodyHashFailsTheSignature() throws {
        let sealed = try Fixture.sealed()
        var hash = BLAKE2b.hash(sealed.body)
        hash[0] ^= 1
        let tampered = try SealedDelta.parse(
            Forge.redactedEnvelope(header: sealed.headerBytes, bodyHash: hash, signature: sealed.signature))
        #expect(tampered.id != sealed.id)
        expectProtocolError(.badSignature) { try tampered.verify(authorKey: Fixture.alpha.signing.publicKey) }
    }

    @Test func aTamperedBodyOrHeaderFailsTheSignature() throws {
        let sealed = try Fixture.sealed()
        var body = sealed.body
        body[body.count - 1] ^= 1
        let badBody = try SealedDelta.parse(Forge.envelope(header: sealed.headerBytes, body: body, signature: sealed.signature))
        expectProtocolError(.badSignature) { try badBody.verify(authorKey: Fixture.alpha.signing.publicKey) }

        var header = Forge.recordsHeader()
        header.sequence = 3
        let badHeader = try SealedDelta.parse(
            Forge.redactedEnvelope(header: Forge.encode(header), bodyHash: BLAKE2b.hash(sealed.body), signature: sealed.signature))
        expectProtocolError(.badSignature) { try badHeader.verify(authorKey: Fixture.alpha.signing.publicKey) }
    }

    @Test func anEnvelopeCarriesExactlyOneOfBodyAndBodyHash() throws {
        let sealed = try Fixture.sealed()
        let hash = BLAKE2b.hash(sealed.body)
        let both = Proto.field(1, sealed.headerBytes) + Proto.field(2, sealed.body) + Proto.field(3, sealed.signature)
            + Proto.field(4, hash)
        let neither = Proto.field(1, sealed.headerBytes) + Proto.field(3, sealed.signature)
        let shortHash = Forge.redactedEnvelope(header: sealed.headerBytes, bodyHash: Array(hash.prefix(31)), signature: sealed.signature)
        for (name, bytes) in [("both", both), ("neither", neither), ("short hash", shortHash)] {
            #expect(throws: ProtocolError.self, "\(name)") { _ = try SealedDelta.parse(bytes) }
        }
    }

    @Test func aGrantCannotBeRedacted() throws {
        let grantHeader = Forge.encode(Forge.grantHeader())
        let body = Array("not a real grant, but a body".utf8)
        let delta = try SealedDelta.parse(Forge.signed(headerBytes: grantHeader, body: body))
        #expect(throws: ProtocolError.self) { _ = try delta.redacted() }
        let forged = Forge.redactedEnvelope(
            header: grantHeader, bodyHash: BLAKE2b.hash(body), signature: Forge.sign(header: grantHeader, body: body, with: Fixture.alpha.signing))
        #expect(throws: ProtocolError.self) { _ = try SealedDelta.parse(forged) }
    }

    @Test func reclassifyAndWithdrawSurviveTheWire() throws {
        let record = try RecordID("r1")
        let author = Fixture.alpha.deviceID
        let moved = Change(
            author: author, level: Fixture.level, hlc: Fixture.hlc,
            operations: [.reclassify(record: record, from: "RESTRICTED", origin: "alpha"), .setType(record: record, type: "incident")])
        let withdrawn = Change(
            author: author, level: Fixture.level, hlc: Fixture.hlc,
            operations: [.withdraw(record: record, reason: "reclassified", redact: [Array(repeating: 7, count: 32)], to: "TOP")])
        let retracted = Change(
            author: author, level: Fixture.level, hlc: Fixture.hlc,
            operations: [.withdraw(record: record, reason: "entered in error", redact: [], to: nil)])
        for change in [moved, withdrawn, retracted] {
            let sealed = try SealedDelta.seal(
                change: change, sequence: 2, previous: Fixture.previous, epoch: Fixture.epoch, key: Fixture.key,
                signer: Fixture.alpha.signing)
            #expect(try SealedDelta.parse(sealed.envelope).open(key: Fixture.key) == change)
        }
    }
}

@Suite("RecordStateCodec origin")
struct RecordStateOriginTests {
    @Test func theOriginAgencySurvivesTheSealedState() throws {
        let id = try RecordID("r1")
        var state = RecordState.new(id: id, level: Fixture.level, first: Stamp(hlc: Fixture.hlc, author: Fixture.alpha.deviceID))
        try state.apply(.reclassify(record: id, from: "RESTRICTED", origin: "bravo"), stamp: Stamp(hlc: Fixture.hlc, author: Fixture.alpha.deviceID))
        let rowKey = BLAKE2b.hash(Array("row".utf8))
        for original in [state, RecordState.new(id: id, level: Fixture.level, first: state.created)] {
            let sealed = RecordStateCodec.seal(original, rowKey: rowKey, epoch: Fixture.epoch, key: Fixture.key)
            let opened = try RecordStateCodec.open(sealed, rowKey: rowKey, level: Fixture.level, epoch: Fixture.epoch, key: Fixture.key)
            #expect(opened == original)
        }
    }
}
