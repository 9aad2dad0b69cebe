import CairnCrypto
import CairnModel
import CairnWire
import Foundation

/// An epoch key of one level, sealed to one device's wrapping key and carried in a GRANT delta
/// signed by the granting device. The grant's bytes travel in the clear (the key inside is
/// sealed), so a relay cleared for the level can store and forward it without reading it.
public struct EpochGrant: Hashable, Sendable {
    public static let maxGrantBytes = 1024

    public var level: String
    public var epoch: EpochRef
    public var recipient: DeviceID
    public var recipientWrappingKey: X25519.PublicKey
    public var sealedKey: [UInt8]

    public init(
        level: String, epoch: EpochRef, recipient: DeviceID, recipientWrappingKey: X25519.PublicKey, sealedKey: [UInt8]
    ) {
        self.level = level
        self.epoch = epoch
        self.recipient = recipient
        self.recipientWrappingKey = recipientWrappingKey
        self.sealedKey = sealedKey
    }

    /// Seals `key` to `recipientWrappingKey`.
    public static func make(
        level: String, epoch: EpochRef, key: XChaCha20Poly1305.Key, recipient: DeviceID,
        recipientWrappingKey: X25519.PublicKey
    ) -> EpochGrant {
        EpochGrant(
            level: level, epoch: epoch, recipient: recipient, recipientWrappingKey: recipientWrappingKey,
            sealedKey: SealedBox.seal(key.secret, to: recipientWrappingKey))
    }

    /// Wraps the grant into a signed GRANT delta of stream (signer, level).
    public func delta(
        author: DeviceID, sequence: UInt64, previous: [UInt8], hlc: HLCTimestamp, signer: Ed25519.PrivateKey
    ) throws -> SealedDelta {
        let header = DeltaHeader(
            kind: .grant, author: author, level: level, sequence: sequence, previous: previous, hlc: hlc, epoch: nil)
        var wire = Cairn_V1_Grant()
        wire.level = level
        wire.epoch = WireEpoch.toWire(epoch)
        wire.recipient = Data(recipient.bytes)
        wire.recipientWrappingKey = Data(recipientWrappingKey.bytes)
        wire.sealedKey = Data(sealedKey)
        return try SealedDelta.assemble(
            header: header, headerBytes: WireDecoding.encode(WireHeader.toWire(header)),
            body: WireDecoding.encode(wire), signer: signer)
    }

    /// Reads the grant of a verified GRANT delta in the single form. The grant's level must be
    /// the delta's level, so a grant can only travel to peers cleared for the key it carries.
    /// (`GrantCopies.grants(of:)` reads both forms.)
    public static func read(from delta: SealedDelta) throws -> EpochGrant {
        guard delta.header.kind == .grant else { throw ProtocolError.epochMismatch("not a grant delta") }
        let wire = try WireDecoding.decode(Cairn_V1_Grant.self, from: delta.body, what: "grant", limit: maxGrantBytes)
        guard wire.level == delta.header.level else {
            throw ProtocolError.malformed(what: "grant", detail: "level differs from the delta's level")
        }
        guard wire.copies.isEmpty else { throw ProtocolError.malformed(what: "grant", detail: "a copies form") }
        return try single(wire)
    }

    /// The single form's fields, checked.
    static func single(_ wire: Cairn_V1_Grant) throws -> EpochGrant {
        let wrapping: X25519.PublicKey
        do {
            wrapping = try X25519.PublicKey(bytes: Array(wire.recipientWrappingKey))
        } catch {
            throw ProtocolError.malformed(what: "grant", detail: "\(error)")
        }
        return EpochGrant(
            level: wire.level, epoch: try WireEpoch.fromWire(wire.epoch),
            recipient: try WireContext.deviceID(Array(wire.recipient)), recipientWrappingKey: wrapping,
            sealedKey: Array(wire.sealedKey))
    }

    /// Opens the sealed key with the recipient's wrapping key.
    public func openKey(with wrappingKey: X25519.PrivateKey) throws -> XChaCha20Poly1305.Key {
        guard wrappingKey.publicKey == recipientWrappingKey else { throw ProtocolError.grantNotForUs }
        do {
            return try XChaCha20Poly1305.Key(SealedBox.open(sealedKey, with: wrappingKey))
        } catch {
            throw ProtocolError.decryptionFailed
        }
    }
}
