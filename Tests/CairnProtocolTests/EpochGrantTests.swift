import CairnCrypto
import CairnModel
import CairnProtocol
import CairnTrust
import CairnWire
import Foundation
import Testing

@Suite("EpochGrant")
struct EpochGrantTests {
    static func grant(
        to recipient: DeviceSecretKeys = Fixture.laptop, key: XChaCha20Poly1305.Key = Fixture.key
    ) -> EpochGrant {
        EpochGrant.make(
            level: Fixture.level, epoch: Fixture.epoch, key: key, recipient: recipient.deviceID,
            recipientWrappingKey: recipient.wrapping.publicKey)
    }

    /// Sends `grant` through the wire as alpha/hq and reads it back.
    static func transmit(_ grant: EpochGrant, sequence: UInt64 = 1, previous: [UInt8] = []) throws -> (SealedDelta, EpochGrant) {
        let sent = try grant.delta(
            author: Fixture.alpha.deviceID, sequence: sequence, previous: previous, hlc: Fixture.hlc,
            signer: Fixture.alpha.signing)
        let received = try SealedDelta.parse(sent.envelope)
        try received.verify(authorKey: Fixture.alpha.signing.publicKey)
        return (received, try EpochGrant.read(from: received))
    }

    /// A GRANT delta of `wire`, signed by alpha/hq, parsed and verified.
    static func forged(_ wire: Cairn_V1_Grant, headerLevel: String = Fixture.level) throws -> SealedDelta {
        let delta = try SealedDelta.parse(
            Forge.signed(headerBytes: Forge.encode(Forge.grantHeader(level: headerLevel)), body: Forge.encode(wire)))
        try delta.verify(authorKey: Fixture.alpha.signing.publicKey)
        return delta
    }

    /// The wire form of a genuine grant to alpha/laptop.
    static func wire() throws -> Cairn_V1_Grant {
        let (delta, _) = try transmit(grant())
        return try Cairn_V1_Grant(serializedBytes: delta.body)
    }

    @Test func makeDeltaParseVerifyReadOpenKeyGivesTheSameKey() throws {
        let grant = Self.grant()
        let (delta, read) = try Self.transmit(grant, sequence: 4, previous: Fixture.previous)
        #expect(read == grant)
        #expect(read.level == Fixture.level)
        #expect(read.epoch == Fixture.epoch)
        #expect(read.recipient == Fixture.laptop.deviceID)
        #expect(read.recipientWrappingKey == Fixture.laptop.wrapping.publicKey)
        #expect(try read.openKey(with: Fixture.laptop.wrapping) == Fixture.key)
        #expect(try read.openKey(with: Fixture.laptop.wrapping) != Fixture.otherKey)

        let header = delta.header
        #expect(header.kind == .grant)
        #expect(header.epoch == nil)
        #expect(header.author == Fixture.alpha.deviceID)
        #expect(header.level == Fixture.level)
        #expect(header.sequence == 4)
        #expect(header.previous == Fixture.previous)
        #expect(header.hlc == Fixture.hlc)
        #expect(delta.id == Forge.deltaID(header: delta.headerBytes, bodyHash: BLAKE2b.hash(delta.body), signature: delta.signature))
    }

    @Test func theGrantBodyTravelsInTheClearButTheKeyDoesNot() throws {
        let (delta, _) = try Self.transmit(Self.grant())
        let wire = try Cairn_V1_Grant(serializedBytes: delta.body)
        #expect(wire.level == Fixture.level)
        #expect(Array(wire.recipient) == Fixture.laptop.deviceID.bytes)
        let secret = Fixture.key.secret.copyBytes()
        #expect(wire.sealedKey.count == secret.count + SealedBox.overhead)
        #expect(!contains(delta.envelope, secret))
    }

    @Test func openingWithAnotherDevicesWrappingKeyIsGrantNotForUs() throws {
        let (_, read) = try Self.transmit(Self.grant())
        expectProtocolError(.grantNotForUs) { _ = try read.openKey(with: Fixture.bravo.wrapping) }
        expectProtocolError(.grantNotForUs) { _ = try read.openKey(with: Fixture.alpha.wrapping) }
    }

    @Test func grantWhoseLevelDiffersFromTheDeltasIsMalformed() throws {
        var wire = try Self.wire()
        wire.level = "CONFIDENTIAL"
        let delta = try Self.forged(wire)
        let error = expectProtocolError(.malformed, what: "grant") { _ = try EpochGrant.read(from: delta) }
        #expect(error == .malformed(what: "grant", detail: "level differs from the delta's level"))
        // The control: matching levels read fine.
        #expect(try EpochGrant.read(from: Self.forged(wire, headerLevel: "CONFIDENTIAL")).level == "CONFIDENTIAL")
    }

    @Test func tamperedSealedKeyIsDecryptionFailed() throws {
        let (_, read) = try Self.transmit(Self.grant())
        for index in [0, 16, 31, 32, read.sealedKey.count / 2, read.sealedKey.count - 1] {
            var tampered = read
            tampered.sealedKey[index] ^= 0x01
            expectProtocolError(.decryptionFailed, "byte \(index)") { _ = try tampered.openKey(with: Fixture.laptop.wrapping) }
        }
        var truncated = read
        truncated.sealedKey.removeLast()
        expectProtocolError(.decryptionFailed) { _ = try truncated.openKey(with: Fixture.laptop.wrapping) }
        truncated.sealedKey = []
        expectProtocolError(.decryptionFailed) { _ = try truncated.openKey(with: Fixture.laptop.wrapping) }
    }

    @Test func tamperedSealedKeyReSignedByTheGranterIsDecryptionFailed() throws {
        var wire = try Self.wire()
        var sealed = Array(wire.sealedKey)
        sealed[sealed.count - 1] ^= 0x80
        wire.sealedKey = Data(sealed)
        let read = try EpochGrant.read(from: Self.forged(wire))
        expectProtocolError(.decryptionFailed) { _ = try read.openKey(with: Fixture.laptop.wrapping) }
    }

    @Test func sealedSecretThatIsNotA32ByteKeyIsDecryptionFailed() throws {
        var wire = try Self.wire()
        for length in [0, 31, 33] {
            wire.sealedKey = Data(SealedBox.seal(SecureBytes(count: length), to: Fixture.laptop.wrapping.publicKey))
            let read = try EpochGrant.read(from: Self.forged(wire))
            expectProtocolError(.decryptionFailed, "secret of \(length) bytes") {
                _ = try read.openKey(with: Fixture.laptop.wrapping)
            }
        }
    }

    @Test func readRefusesARecordsDelta() throws {
        let delta = try SealedDelta.parse(Fixture.sealed().envelope)
        expectProtocolError(.epochMismatch) { _ = try EpochGrant.read(from: delta) }
    }

    @Test func brokenGrantBodiesAreRefused() throws {
        let good = try Self.wire()
        var shortWrapping = good
        shortWrapping.recipientWrappingKey = Data(repeating: 1, count: 31)
        var shortRecipient = good
        shortRecipient.recipient = Data(repeating: 1, count: 31)
        var epochZero = good
        epochZero.epoch.number = 0
        var noEpoch = good
        noEpoch.clearEpoch()

        expectProtocolError(.malformed, what: "grant", "wrapping key of 31 bytes") {
            _ = try EpochGrant.read(from: Self.forged(shortWrapping))
        }
        expectProtocolError(.malformed, what: "device id", "recipient of 31 bytes") {
            _ = try EpochGrant.read(from: Self.forged(shortRecipient))
        }
        expectProtocolError(.epochMismatch, "epoch 0") { _ = try EpochGrant.read(from: Self.forged(epochZero)) }
        expectProtocolError(.epochMismatch, "no epoch") { _ = try EpochGrant.read(from: Self.forged(noEpoch)) }

        let garbage = try SealedDelta.parse(
            Forge.signed(headerBytes: Forge.encode(Forge.grantHeader()), body: [0xFF, 0xFF, 0xFF]))
        expectProtocolError(.malformed, what: "grant") { _ = try EpochGrant.read(from: garbage) }
    }

    @Test func oversizeGrantIsTooLarge() throws {
        var wire = try Self.wire()
        wire.sealedKey = Data(repeating: 0, count: EpochGrant.maxGrantBytes)
        let error = expectProtocolError(.tooLarge, what: "grant") { _ = try EpochGrant.read(from: Self.forged(wire)) }
        #expect((error.map { if case .tooLarge(_, let size, let limit) = $0 { size > limit } else { false } }) == true)
    }

    @Test func deltaRefusesASignerThatIsNotTheAuthor() throws {
        expectProtocolError(.authorMismatch) {
            _ = try Self.grant().delta(
                author: Fixture.alpha.deviceID, sequence: 1, previous: [], hlc: Fixture.hlc,
                signer: Fixture.bravo.signing)
        }
    }

    private func contains(_ haystack: [UInt8], _ needle: [UInt8]) -> Bool {
        guard needle.count <= haystack.count else { return false }
        return (0...(haystack.count - needle.count)).contains { Array(haystack[$0..<($0 + needle.count)]) == needle }
    }
}
