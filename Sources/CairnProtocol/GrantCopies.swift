import CairnCrypto
import CairnModel
import CairnWire
import Foundation

/// The copies form of a GRANT delta: one epoch key sealed to many recipients in one signed
/// delta. A key reaches a federation of n devices in about n / 256 deltas instead of one delta
/// per recipient, which made the grants of a federation grow as n² (see Docs/Decisions.md,
/// "Epoch keys are minted lazily and granted in copies").
///
/// Both forms are read through `grants(of:)`: a single-recipient body (every release writes or
/// has written it) and a copies body (`FEATURE_GRANT_COPIES`) both yield one `EpochGrant` per
/// recipient, so the rules that follow (who holds which key, whether the copy is ours, whether
/// its wrapping key is ours) are the same for both.
public enum GrantCopies {
    /// Most recipients of one grant delta; more recipients take more deltas.
    public static let maxRecipients = 256
    /// Largest copies body: 256 copies of about 150 bytes each, the level and the epoch.
    public static let maxBodyBytes = 64 * 1024
    /// Bytes of one sealed copy of a 32-byte key.
    public static let sealedKeyBytes = 32 + SealedBox.overhead

    /// Seals `key` to each recipient (at most `maxRecipients`, distinct) and signs it as one
    /// GRANT delta of stream (author, level). Returns the delta and the grants it carries.
    public static func delta(
        level: String, epoch: EpochRef, key: XChaCha20Poly1305.Key, recipients: [(DeviceID, X25519.PublicKey)],
        author: DeviceID, sequence: UInt64, previous: [UInt8], hlc: HLCTimestamp, signer: Ed25519.PrivateKey
    ) throws -> (SealedDelta, [EpochGrant]) {
        guard !recipients.isEmpty, recipients.count <= maxRecipients else {
            throw ProtocolError.invalidBody("a grant names 1 to \(maxRecipients) recipients, not \(recipients.count)")
        }
        guard Set(recipients.map(\.0)).count == recipients.count else {
            throw ProtocolError.invalidBody("a grant names each recipient once")
        }
        let grants = recipients.map { recipient, wrapping in
            EpochGrant.make(level: level, epoch: epoch, key: key, recipient: recipient, recipientWrappingKey: wrapping)
        }
        var wire = Cairn_V1_Grant()
        wire.level = level
        wire.epoch = WireEpoch.toWire(epoch)
        wire.copies = grants.map { grant in
            var copy = Cairn_V1_GrantCopy()
            copy.recipient = Data(grant.recipient.bytes)
            copy.recipientWrappingKey = Data(grant.recipientWrappingKey.bytes)
            copy.sealedKey = Data(grant.sealedKey)
            return copy
        }
        let header = DeltaHeader(
            kind: .grant, author: author, level: level, sequence: sequence, previous: previous, hlc: hlc, epoch: nil)
        let delta = try SealedDelta.assemble(
            header: header, headerBytes: WireDecoding.encode(WireHeader.toWire(header)),
            body: WireDecoding.encode(wire), signer: signer)
        return (delta, grants)
    }

    /// The grants of a verified GRANT delta, whichever form its body has.
    public static func grants(of delta: SealedDelta) throws -> [EpochGrant] {
        guard delta.header.kind == .grant else { throw ProtocolError.epochMismatch("not a grant delta") }
        return try decode(delta.body, level: delta.header.level)
    }

    /// Decodes a grant body of either form for a delta of `level`. The size is checked before
    /// anything is decoded; a copies body must name 1 to 256 distinct recipients, each with a
    /// 32-byte wrapping key and an 80-byte sealed copy, and set none of the single form's fields.
    public static func decode(_ body: [UInt8], level: String) throws -> [EpochGrant] {
        let wire = try WireDecoding.decode(Cairn_V1_Grant.self, from: body, what: "grant", limit: maxBodyBytes)
        guard wire.level == level else {
            throw ProtocolError.malformed(what: "grant", detail: "level differs from the delta's level")
        }
        guard !wire.copies.isEmpty else {
            // The single form keeps its own, smaller bound.
            guard body.count <= EpochGrant.maxGrantBytes else {
                throw ProtocolError.tooLarge(what: "grant", size: body.count, limit: EpochGrant.maxGrantBytes)
            }
            return [try EpochGrant.single(wire)]
        }
        guard wire.recipient.isEmpty, wire.recipientWrappingKey.isEmpty, wire.sealedKey.isEmpty else {
            throw ProtocolError.malformed(what: "grant", detail: "both the single and the copies form")
        }
        guard wire.copies.count <= maxRecipients else {
            throw ProtocolError.malformed(what: "grant", detail: "\(wire.copies.count) copies, at most \(maxRecipients)")
        }
        let epoch = try WireEpoch.fromWire(wire.epoch)
        var seen: Set<DeviceID> = []
        return try wire.copies.map { copy in
            guard copy.sealedKey.count == sealedKeyBytes else {
                throw ProtocolError.malformed(what: "grant", detail: "a sealed copy is \(sealedKeyBytes) bytes")
            }
            let recipient = try WireContext.deviceID(Array(copy.recipient))
            guard seen.insert(recipient).inserted else {
                throw ProtocolError.malformed(what: "grant", detail: "a recipient named twice")
            }
            let wrapping: X25519.PublicKey
            do {
                wrapping = try X25519.PublicKey(bytes: Array(copy.recipientWrappingKey))
            } catch {
                throw ProtocolError.malformed(what: "grant", detail: "\(error)")
            }
            return EpochGrant(
                level: level, epoch: epoch, recipient: recipient, recipientWrappingKey: wrapping,
                sealedKey: Array(copy.sealedKey))
        }
    }
}
