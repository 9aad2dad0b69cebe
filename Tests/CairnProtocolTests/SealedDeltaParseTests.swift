import CairnCrypto
import CairnModel
import CairnProtocol
import CairnTestSupport
import CairnWire
import Foundation
import Testing

/// `parse` is the first thing untrusted bytes meet: size, structure, canonical encoding and the
/// header's own rules, all before any signature or key is involved.
@Suite("SealedDelta parse")
struct SealedDeltaParseTests {
    // MARK: Size and structure

    @Test func oversizeEnvelopeIsRefusedBeforeParsing() throws {
        let limit = SealedDelta.maxEnvelopeBytes
        // One byte over: refused on its size whatever it holds, even a valid prefix.
        let sealed = try Fixture.sealed()
        let oversize = sealed.envelope + [UInt8](repeating: 0, count: limit + 1 - sealed.envelope.count)
        let error = expectProtocolError(.tooLarge, what: "delta envelope") { _ = try SealedDelta.parse(oversize) }
        #expect(error == .tooLarge(what: "delta envelope", size: limit + 1, limit: limit))
        // Exactly at the limit the bytes are parsed (and these are not a message).
        let atLimit = [UInt8](repeating: 0, count: limit)
        expectProtocolError(.malformed, what: "delta envelope") { _ = try SealedDelta.parse(atLimit) }
    }

    @Test func envelopeJustUnderTheLimitWithAValidStructureIsParsed() throws {
        let header = Forge.encode(Forge.recordsHeader())
        let signature = [UInt8](repeating: 1, count: Ed25519.signatureLength)
        let overhead = Forge.envelope(header: header, body: [1], signature: signature).count - 1
        // Solve for a body that makes the envelope exactly maxEnvelopeBytes long.
        var bodyCount = SealedDelta.maxEnvelopeBytes - overhead - 3
        while Forge.envelope(header: header, body: [UInt8](repeating: 7, count: bodyCount), signature: signature).count
            < SealedDelta.maxEnvelopeBytes
        {
            bodyCount += 1
        }
        let envelope = Forge.envelope(header: header, body: [UInt8](repeating: 7, count: bodyCount), signature: signature)
        try #require(envelope.count == SealedDelta.maxEnvelopeBytes)
        let delta = try SealedDelta.parse(envelope)
        #expect(delta.body.count == bodyCount)
        expectProtocolError(.badSignature) { try delta.verify(authorKey: Fixture.alpha.signing.publicKey) }
    }

    @Test func garbageIsMalformed() throws {
        let inputs: [(String, [UInt8])] = [
            ("empty", []),
            ("one zero byte", [0x00]),
            ("unterminated varint", [0xFF, 0xFF, 0xFF]),
            ("truncated length-delimited field", [0x0A, 0x10, 0x01]),
            ("group start", [0x0B]),
            ("text", Array("hello, cairn".utf8)),
            ("random", SeededBytes.make(512)),
        ]
        for (name, bytes) in inputs {
            let error = #expect(throws: ProtocolError.self, "\(name)") { _ = try SealedDelta.parse(bytes) }
            // Garbage that happens to decode as a protobuf message is caught by the next checks.
            #expect(error.map { [.malformed, .nonCanonical].contains($0.kind) } ?? false, "\(name): \(String(describing: error))")
        }
        expectProtocolError(.malformed, what: "delta envelope") { _ = try SealedDelta.parse([0xFF, 0xFF, 0xFF]) }
        expectProtocolError(.malformed, what: "delta envelope") { _ = try SealedDelta.parse([0x0A, 0x10, 0x01]) }
        expectProtocolError(.malformed, what: "delta envelope") { _ = try SealedDelta.parse([0x0B]) }
    }

    @Test func truncatedEnvelopesAreRefused() throws {
        let envelope = try Fixture.sealed(Fixture.smallChange()).envelope
        for length in 0..<envelope.count {
            #expect(throws: ProtocolError.self, "first \(length) bytes") {
                _ = try SealedDelta.parse(Array(envelope.prefix(length)))
            }
        }
    }

    // MARK: Canonical encoding

    @Test func nonCanonicalEncodingsOfAValidEnvelopeAreRefused() throws {
        let sealed = try Fixture.sealed()
        let (h, b, s) = (sealed.headerBytes, sealed.body, sealed.signature)
        // The control: the canonical form is what the module wrote.
        #expect(Proto.field(1, h) + Proto.field(2, b) + Proto.field(3, s) == sealed.envelope)
        _ = try SealedDelta.parse(sealed.envelope)

        let variants: [(String, [UInt8])] = [
            ("unknown length-delimited field appended", sealed.envelope + Proto.field(5, [1, 2, 3])),
            ("unknown varint field appended", sealed.envelope + [0x20, 0x01]),
            ("unknown field first", [0x20, 0x01] + sealed.envelope),
            ("signature before header", Proto.field(3, s) + Proto.field(1, h) + Proto.field(2, b)),
            ("body before header", Proto.field(2, b) + Proto.field(1, h) + Proto.field(3, s)),
            ("header repeated", Proto.field(1, h) + Proto.field(1, h) + Proto.field(2, b) + Proto.field(3, s)),
            ("signature repeated", sealed.envelope + Proto.field(3, s)),
            ("earlier body overridden", Proto.field(1, h) + Proto.field(2, [9, 9]) + Proto.field(2, b) + Proto.field(3, s)),
            ("explicit empty field", Proto.field(1, h) + Proto.field(2, b) + Proto.explicitField(2, []) + Proto.field(3, s)),
            ("overlong length varint", Proto.overlongField(1, h) + Proto.field(2, b) + Proto.field(3, s)),
            ("overlong tag varint", [0x8A, 0x00] + Proto.varint(UInt64(h.count)) + h + Proto.field(2, b) + Proto.field(3, s)),
        ]
        for (name, bytes) in variants {
            expectProtocolError(.nonCanonical, "\(name)") { _ = try SealedDelta.parse(bytes) }
        }
    }

    @Test func aReorderedEncodingIsRefused() throws {
        // The id no longer hashes the envelope bytes, but stores and peers still compare
        // envelopes byte for byte: one delta keeps one encoding per form.
        let sealed = try Fixture.sealed()
        let reordered = Proto.field(3, sealed.signature) + Proto.field(1, sealed.headerBytes) + Proto.field(2, sealed.body)
        #expect(reordered != sealed.envelope)
        expectProtocolError(.nonCanonical) { _ = try SealedDelta.parse(reordered) }
    }

    // MARK: Signature length

    @Test func signatureOfTheWrongLengthIsMalformed() throws {
        let sealed = try Fixture.sealed()
        for length in [0, 1, 63, 65, 128] {
            let signature = [UInt8](repeating: 0x5A, count: length)
            let envelope = Forge.envelope(header: sealed.headerBytes, body: sealed.body, signature: signature)
            let error = expectProtocolError(.malformed, what: "delta envelope", "signature of \(length) bytes") {
                _ = try SealedDelta.parse(envelope)
            }
            #expect(error == .malformed(what: "delta envelope", detail: "signature of \(length) bytes"))
        }
    }

    // MARK: Header rules

    /// Parses a delta whose header is `header`, correctly signed by alpha/hq.
    static func parse(header: Cairn_V1_DeltaHeader, body: [UInt8] = [1, 2, 3]) throws -> SealedDelta {
        try SealedDelta.parse(Forge.signed(headerBytes: Forge.encode(header), body: body))
    }

    @Test func unsupportedFormatIsRefused() throws {
        for format: UInt32 in [0, 2, 255, .max] {
            var header = Forge.recordsHeader()
            header.format = format
            let error = expectProtocolError(.unsupportedFormat, "format \(format)") { _ = try Self.parse(header: header) }
            #expect(error == .unsupportedFormat(format))
        }
    }

    @Test func sequenceZeroIsMalformed() throws {
        var header = Forge.recordsHeader()
        header.sequence = 0
        header.previous = Data()
        expectProtocolError(.malformed, what: "delta header") { _ = try Self.parse(header: header) }
        header.previous = Data(Fixture.previous)
        expectProtocolError(.malformed, what: "delta header") { _ = try Self.parse(header: header) }
    }

    @Test func previousMustBeEmptyForSequenceOneAnd32BytesAfter() throws {
        let cases: [(UInt64, Int, Bool)] = [
            (1, 0, true), (1, 32, false), (1, 1, false),
            (2, 32, true), (2, 0, false), (2, 31, false), (2, 33, false), (2, 64, false),
            (.max, 32, true), (.max, 0, false),
        ]
        for (sequence, previousLength, accepted) in cases {
            var header = Forge.recordsHeader()
            header.sequence = sequence
            header.previous = Data([UInt8](repeating: 0xAB, count: previousLength))
            if accepted {
                let delta = try Self.parse(header: header)
                #expect(delta.header.sequence == sequence)
                #expect(delta.header.previous.count == previousLength)
            } else {
                expectProtocolError(.malformed, what: "delta header", "sequence \(sequence), previous \(previousLength)") {
                    _ = try Self.parse(header: header)
                }
            }
        }
    }

    @Test func recordsDeltaWithoutEpochIsEpochMismatch() throws {
        var header = Forge.recordsHeader()
        header.clearEpoch()
        expectProtocolError(.epochMismatch) { _ = try Self.parse(header: header) }
    }

    @Test func grantDeltaWithAnEpochIsEpochMismatch() throws {
        var header = Forge.grantHeader()
        header.epoch = Forge.recordsHeader().epoch
        expectProtocolError(.epochMismatch) { _ = try Self.parse(header: header) }
        // The control: the same header without the epoch parses.
        header.clearEpoch()
        #expect(try Self.parse(header: header).header.kind == .grant)
    }

    @Test func invalidEpochInTheHeaderIsEpochMismatch() throws {
        var header = Forge.recordsHeader()
        header.epoch.number = 0
        expectProtocolError(.epochMismatch, "number 0") { _ = try Self.parse(header: header) }
        for length in [0, 15, 17, 32] {
            header = Forge.recordsHeader()
            header.epoch.keyID = Data(repeating: 1, count: length)
            expectProtocolError(.epochMismatch, "key id of \(length) bytes") { _ = try Self.parse(header: header) }
        }
    }

    @Test func unknownKindIsMalformed() throws {
        var header = Forge.recordsHeader()
        header.kind = .UNRECOGNIZED(7)
        expectProtocolError(.malformed, what: "delta header") { _ = try Self.parse(header: header) }
    }

    @Test func authorThatIsNotAKeyIsMalformed() throws {
        for length in [0, 31, 33] {
            var header = Forge.recordsHeader()
            header.author = Data(repeating: 3, count: length)
            expectProtocolError(.malformed, what: "device id", "author of \(length) bytes") { _ = try Self.parse(header: header) }
        }
    }

    @Test func headerWithUnknownFieldsIsMalformed() throws {
        let bytes = Forge.encode(Forge.recordsHeader()) + Proto.field(15, [1])
        let envelope = Forge.signed(headerBytes: bytes, body: [1, 2, 3])
        expectProtocolError(.malformed, what: "delta header") { _ = try SealedDelta.parse(envelope) }
    }

    @Test func headerBytesThatAreNotAHeaderAreMalformed() throws {
        let envelope = Forge.signed(headerBytes: [0xFF, 0xFF], body: [1, 2, 3])
        expectProtocolError(.malformed, what: "delta header") { _ = try SealedDelta.parse(envelope) }
    }

    @Test func oversizeHeaderIsTooLarge() throws {
        var header = Forge.recordsHeader()
        header.level = String(repeating: "S", count: 5000)
        expectProtocolError(.tooLarge, what: "delta header") { _ = try Self.parse(header: header) }
    }
}

/// Reproducible pseudo-random bytes (not for keys).
enum SeededBytes {
    static func make(_ count: Int, seed: UInt64 = 0xC0FFEE) -> [UInt8] {
        var generator = SeededRandom(seed: seed)
        return generator.bytes(count)
    }
}
