import CairnCrypto
import CairnModel
import CairnProtocol
import Testing

/// `verify` runs before anything is opened: every change to the signed bytes, and every
/// signature not made by the named author, must be refused there.
@Suite("SealedDelta verify")
struct SealedDeltaVerifyTests {
    /// Where each part of an envelope sits, found from its canonical layout.
    struct Layout {
        let header: Range<Int>
        let body: Range<Int>
        let signature: Range<Int>

        init(_ delta: SealedDelta) throws {
            let envelope = delta.envelope
            let headerStart = 1 + Proto.varint(UInt64(delta.headerBytes.count)).count
            header = headerStart..<(headerStart + delta.headerBytes.count)
            let bodyStart = header.upperBound + 1 + Proto.varint(UInt64(delta.body.count)).count
            body = bodyStart..<(bodyStart + delta.body.count)
            let signatureStart = body.upperBound + 2
            signature = signatureStart..<(signatureStart + delta.signature.count)
            try #require(signature.upperBound == envelope.count)
            try #require(Array(envelope[header]) == delta.headerBytes)
            try #require(Array(envelope[body]) == delta.body)
            try #require(Array(envelope[signature]) == delta.signature)
        }
    }

    /// Parses and verifies `envelope` with the key its header names, as a receiver that looks the
    /// author up does. Returns the error, or nil if the delta was accepted.
    static func receive(_ envelope: [UInt8]) -> (error: ProtocolError?, parsed: Bool, other: (any Error)?) {
        let delta: SealedDelta
        do {
            delta = try SealedDelta.parse(envelope)
        } catch let error as ProtocolError {
            return (error, false, nil)
        } catch {
            return (nil, false, error)
        }
        do {
            try delta.verify(authorKey: Ed25519.PublicKey(bytes: delta.header.author.bytes))
            return (nil, true, nil)
        } catch let error as ProtocolError {
            return (error, true, nil)
        } catch {
            return (nil, true, error)
        }
    }

    @Test func everySingleBitFlipIsRefusedBeforeOpening() throws {
        let sealed = try Fixture.sealed(Fixture.smallChange())
        let layout = try Layout(sealed)
        var outcomes: [String: Int] = [:]
        for index in sealed.envelope.indices {
            for bit in 0..<8 {
                var tampered = sealed.envelope
                tampered[index] ^= 1 << bit
                let (error, parsed, other) = Self.receive(tampered)
                let place = "byte \(index) bit \(bit)"
                #expect(other == nil, "\(place): not a ProtocolError: \(String(describing: other))")
                guard let error else {
                    Issue.record("\(place): the tampered envelope was accepted")
                    continue
                }
                outcomes["\(error.kind)", default: 0] += 1
                if layout.body.contains(index) || layout.signature.contains(index) {
                    #expect(parsed && error == .badSignature, "\(place) (body or signature): \(error)")
                } else if layout.header.contains(index) {
                    #expect(!parsed || error == .badSignature, "\(place) (header): \(error)")
                } else {
                    #expect(!parsed || error == .badSignature, "\(place) (framing): \(error)")
                }
            }
        }
        // The loop really reached both stages.
        #expect(outcomes["badSignature", default: 0] >= (layout.body.count + layout.signature.count) * 8)
        #expect(outcomes.count > 1)
    }

    @Test func signatureByAnotherDeviceIsBadSignature() throws {
        // The header names alpha/hq, the signature is bravo/hq's.
        let envelope = Forge.records(signer: Fixture.bravo.signing)
        let delta = try SealedDelta.parse(envelope)
        expectProtocolError(.badSignature) { try delta.verify(authorKey: Fixture.alpha.signing.publicKey) }
    }

    @Test func verifyingWithAKeyOtherThanTheAuthorsIsAuthorMismatch() throws {
        let delta = try SealedDelta.parse(Fixture.sealed().envelope)
        expectProtocolError(.authorMismatch) { try delta.verify(authorKey: Fixture.bravo.signing.publicKey) }
        // Even when that other key made the signature: the header decides whose delta it is.
        let forged = try SealedDelta.parse(Forge.records(signer: Fixture.bravo.signing))
        expectProtocolError(.authorMismatch) { try forged.verify(authorKey: Fixture.bravo.signing.publicKey) }
        // The device's TLS key is not its signing key.
        expectProtocolError(.authorMismatch) { try delta.verify(authorKey: Fixture.alpha.tls.publicKey) }
    }

    @Test func signatureWithoutTheDomainOrLengthPrefixIsRefused() throws {
        let header = Forge.encode(Forge.recordsHeader())
        let body = SecureRandom.bytes(64)
        let alpha = Fixture.alpha.signing
        let variants: [(String, [UInt8])] = [
            ("no domain", alpha.signature(for: header + body)),
            ("no length", alpha.signature(for: Forge.signatureDomain + header + body)),
            ("little-endian length", alpha.signature(
                for: Forge.signatureDomain + [UInt8(header.count), 0, 0, 0] + header + body)),
            ("other domain", alpha.signature(
                for: Array("cairn/v1/record\0".utf8) + [0, 0, 0, UInt8(header.count)] + header + body)),
        ]
        for (name, signature) in variants {
            let delta = try SealedDelta.parse(Forge.envelope(header: header, body: body, signature: signature))
            expectProtocolError(.badSignature, "\(name)") { try delta.verify(authorKey: alpha.publicKey) }
        }
        let good = try SealedDelta.parse(Forge.signed(headerBytes: header, body: body))
        try good.verify(authorKey: alpha.publicKey)
    }

    @Test func movingBytesFromBodyToHeaderBreaksTheSignature() throws {
        // header || body can be split elsewhere into a header that still parses (a repeated
        // level field, last one wins) and a shorter body; the length prefix in the signed
        // message is what makes the signature refuse the new split.
        let header = Forge.encode(Forge.recordsHeader())
        let moved = Proto.field(4, Array(Fixture.level.utf8))
        let body = moved + SecureRandom.bytes(64)
        let signature = Forge.sign(header: header, body: body, with: Fixture.alpha.signing)
        let original = try SealedDelta.parse(Forge.envelope(header: header, body: body, signature: signature))
        try original.verify(authorKey: Fixture.alpha.signing.publicKey)

        let resplit = try SealedDelta.parse(
            Forge.envelope(header: header + moved, body: Array(body.dropFirst(moved.count)), signature: signature))
        #expect(resplit.headerBytes + resplit.body == header + body)
        #expect(resplit.header == original.header)
        expectProtocolError(.badSignature) { try resplit.verify(authorKey: Fixture.alpha.signing.publicKey) }
    }

    @Test func aGrantDeltaIsVerifiedLikeAnyOther() throws {
        let grant = EpochGrant.make(
            level: Fixture.level, epoch: Fixture.epoch, key: Fixture.key, recipient: Fixture.laptop.deviceID,
            recipientWrappingKey: Fixture.laptop.wrapping.publicKey)
        let sealed = try grant.delta(
            author: Fixture.alpha.deviceID, sequence: 1, previous: [], hlc: Fixture.hlc, signer: Fixture.alpha.signing)
        let layout = try Layout(sealed)
        for index in layout.body {
            var tampered = sealed.envelope
            tampered[index] ^= 0x01
            let delta = try SealedDelta.parse(tampered)
            expectProtocolError(.badSignature, "grant byte \(index)") {
                try delta.verify(authorKey: Fixture.alpha.signing.publicKey)
            }
        }
    }
}
