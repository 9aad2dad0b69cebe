import CairnCrypto
import CairnModel
import CairnProtocol
import CairnTrust
import CairnWire
import Foundation
import Testing

@Suite("GrantCopies")
struct GrantCopiesTests {
    static let recipients = [Fixture.alpha, Fixture.laptop, Fixture.bravo]

    /// A copies-form grant of `Fixture.key` to alpha, the laptop and bravo, signed by alpha.
    static func sent() throws -> (SealedDelta, [EpochGrant]) {
        try GrantCopies.delta(
            level: Fixture.level, epoch: Fixture.epoch, key: Fixture.key,
            recipients: recipients.map { ($0.deviceID, $0.wrapping.publicKey) }, author: Fixture.alpha.deviceID,
            sequence: 2, previous: Fixture.previous, hlc: Fixture.hlc, signer: Fixture.alpha.signing)
    }

    static func wire() throws -> Cairn_V1_Grant {
        try Cairn_V1_Grant(serializedBytes: try sent().0.body)
    }

    @Test func eachRecipientOpensItsOwnCopyAndNoOther() throws {
        let (delta, made) = try Self.sent()
        let received = try SealedDelta.parse(delta.envelope)
        try received.verify(authorKey: Fixture.alpha.signing.publicKey)
        #expect(received.header.kind == .grant && received.header.epoch == nil)
        let grants = try GrantCopies.grants(of: received)
        #expect(grants == made)
        #expect(grants.map(\.recipient) == Self.recipients.map(\.deviceID))
        for (grant, device) in zip(grants, Self.recipients) {
            #expect(grant.level == Fixture.level && grant.epoch == Fixture.epoch)
            #expect(try grant.openKey(with: device.wrapping) == Fixture.key)
            for other in Self.recipients where other.deviceID != device.deviceID {
                expectProtocolError(.grantNotForUs) { _ = try grant.openKey(with: other.wrapping) }
            }
        }
    }

    @Test func theSingleFormIsStillRead() throws {
        let single = EpochGrant.make(
            level: Fixture.level, epoch: Fixture.epoch, key: Fixture.key, recipient: Fixture.laptop.deviceID,
            recipientWrappingKey: Fixture.laptop.wrapping.publicKey)
        let delta = try single.delta(
            author: Fixture.alpha.deviceID, sequence: 1, previous: [], hlc: Fixture.hlc, signer: Fixture.alpha.signing)
        #expect(try GrantCopies.grants(of: SealedDelta.parse(delta.envelope)) == [single])
        // And the single-form reader refuses the copies form rather than misreading it.
        expectProtocolError(.malformed, what: "grant") { _ = try EpochGrant.read(from: Self.sent().0) }
    }

    @Test func makingRefusesNoRecipientsTooManyOrTwice() throws {
        func make(_ recipients: [(DeviceID, X25519.PublicKey)]) throws {
            _ = try GrantCopies.delta(
                level: Fixture.level, epoch: Fixture.epoch, key: Fixture.key, recipients: recipients,
                author: Fixture.alpha.deviceID, sequence: 1, previous: [], hlc: Fixture.hlc, signer: Fixture.alpha.signing)
        }
        let laptop = (Fixture.laptop.deviceID, Fixture.laptop.wrapping.publicKey)
        expectProtocolError(.invalidBody) { try make([]) }
        expectProtocolError(.invalidBody) { try make([laptop, laptop]) }
        let many = (0...GrantCopies.maxRecipients).map { _ in
            (try! DeviceID(Ed25519.PrivateKey().publicKey.bytes), X25519.PrivateKey().publicKey)
        }
        expectProtocolError(.invalidBody) { try make(many) }
        try make(Array(many.prefix(GrantCopies.maxRecipients)))
    }

    @Test func malformedCopiesAreRefused() throws {
        var twice = try Self.wire()
        twice.copies.append(twice.copies[1])
        expectProtocolError(.malformed, what: "grant", "a recipient twice") { _ = try GrantCopies.grants(of: EpochGrantTests.forged(twice)) }

        var both = try Self.wire()
        both.recipient = Data(Fixture.laptop.deviceID.bytes)
        expectProtocolError(.malformed, what: "grant", "both forms") { _ = try GrantCopies.grants(of: EpochGrantTests.forged(both)) }

        var shortSeal = try Self.wire()
        shortSeal.copies[0].sealedKey.removeLast()
        expectProtocolError(.malformed, what: "grant", "sealed copy length") { _ = try GrantCopies.grants(of: EpochGrantTests.forged(shortSeal)) }

        var shortWrapping = try Self.wire()
        shortWrapping.copies[2].recipientWrappingKey.removeLast()
        expectProtocolError(.malformed, what: "grant", "wrapping key") { _ = try GrantCopies.grants(of: EpochGrantTests.forged(shortWrapping)) }

        var badRecipient = try Self.wire()
        badRecipient.copies[0].recipient = Data([1, 2, 3])
        #expect(throws: ProtocolError.self) { _ = try GrantCopies.grants(of: EpochGrantTests.forged(badRecipient)) }

        // The grant's level must be the delta's: a copy never travels to a lower level.
        expectProtocolError(.malformed, what: "grant", "level") {
            _ = try GrantCopies.grants(of: EpochGrantTests.forged(Self.wire(), headerLevel: "CONFIDENTIAL"))
        }
        var noEpoch = try Self.wire()
        noEpoch.clearEpoch()
        expectProtocolError(.epochMismatch) { _ = try GrantCopies.grants(of: EpochGrantTests.forged(noEpoch)) }
    }

    @Test func sizesAreCheckedBeforeDecoding() throws {
        var tooMany = try Self.wire()
        let copy = tooMany.copies[0]
        tooMany.copies = (0...GrantCopies.maxRecipients).map { index in
            var next = copy
            next.recipient = Data(BLAKE2b.hash(Array("recipient-\(index)".utf8)))
            return next
        }
        expectProtocolError(.malformed, what: "grant", "too many copies") { _ = try GrantCopies.grants(of: EpochGrantTests.forged(tooMany)) }
        let oversize = [UInt8](repeating: 0x0A, count: GrantCopies.maxBodyBytes + 1)
        expectProtocolError(.tooLarge, what: "grant") { _ = try GrantCopies.decode(oversize, level: Fixture.level) }
        // A single-form body keeps its 1 KiB bound even below the copies form's.
        var single = try EpochGrantTests.wire()
        single.sealedKey = Data(repeating: 0, count: EpochGrant.maxGrantBytes)
        expectProtocolError(.tooLarge, what: "grant") { _ = try GrantCopies.grants(of: EpochGrantTests.forged(single)) }
    }
}
