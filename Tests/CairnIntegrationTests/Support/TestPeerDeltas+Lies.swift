import CairnCrypto
import CairnModel
import CairnProtocol
import CairnTestSupport
import Foundation

/// The deltas of a peer that lies about who wrote what and with which key.
extension TestPeerDeltas {
    /// A RECORDS delta whose header names `author` (another, real device) as its author, but
    /// signed with `signer`'s key: what a peer sends to pass its own writes off as someone
    /// else's.
    static func impersonating(
        _ author: TestPeerIdentity, signedBy signer: TestPeerIdentity, level: String, record: String
    ) throws -> [UInt8] {
        let genuine = try seal(by: author, level: level, sequence: 1, previous: [], record: record)
        let signature = signer.keys.signing.signature(
            for: HandMadeEnvelope.signedMessage(header: genuine.headerBytes, body: genuine.body))
        return HandMadeEnvelope.encode(header: genuine.headerBytes, body: genuine.body, signature: signature)
    }

    /// A GRANT delta authored and signed by `author` (first of its stream at `level`) that hands
    /// `recipient` the key `key` of epoch `epoch`, stamped `writtenAt` (Unix seconds): the
    /// author chooses the key, so it can read whatever is sealed under it.
    static func grant(
        by author: TestPeerIdentity, to recipient: TestPeerIdentity, level: String, epoch: EpochRef,
        key: XChaCha20Poly1305.Key, writtenAt: Int64, sequence: UInt64 = 1, previous: [UInt8] = []
    ) throws -> SealedDelta {
        let grant = EpochGrant.make(
            level: level, epoch: epoch, key: key, recipient: recipient.deviceID,
            recipientWrappingKey: recipient.keys.wrapping.publicKey)
        return try grant.delta(
            author: author.deviceID, sequence: sequence, previous: previous,
            hlc: HLCTimestamp(wallMillis: UInt64(writtenAt) * 1000, counter: 0), signer: author.keys.signing)
    }

    /// A RECORDS delta by `identity` stamped `writtenAt` (Unix seconds) instead of now.
    static func seal(
        by identity: TestPeerIdentity, level: String, record: String, writtenAt: Int64, epoch: EpochRef,
        key: XChaCha20Poly1305.Key, sequence: UInt64 = 1, previous: [UInt8] = []
    ) throws -> SealedDelta {
        let id = try RecordID(record)
        let change = Change(
            author: identity.deviceID, level: level, hlc: HLCTimestamp(wallMillis: UInt64(writtenAt) * 1000, counter: 0),
            operations: [.setType(record: id, type: "probe"), .addTag(record: id, tag: "test-peer")])
        return try SealedDelta.seal(
            change: change, sequence: sequence, previous: previous, epoch: epoch, key: key, signer: identity.keys.signing)
    }
}
