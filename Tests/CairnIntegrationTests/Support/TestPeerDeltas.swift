import CairnTestSupport
import CairnCrypto
import CairnModel
import CairnProtocol
import Foundation

/// Delta envelopes a `TestPeer` sends: honestly sealed ones, and the forgeries of an attacker.
/// The forgeries are encoded by hand (as `Tests/CairnDaemonTests/SiteIngestTests.swift` does),
/// because `SealedDelta` refuses to build anything a receiver would refuse.
enum TestPeerDeltas {
    /// A RECORDS delta authored and signed by `identity`: it sets the type of `record` and tags
    /// it, sealed under `key` (a random key by default: the receiver stores it unapplied).
    static func seal(
        by identity: TestPeerIdentity, level: String, sequence: UInt64, previous: [UInt8], record: String,
        key: XChaCha20Poly1305.Key = XChaCha20Poly1305.Key(), epoch: EpochRef = EpochRef.random(number: 1)
    ) throws -> SealedDelta {
        let id = try RecordID(record)
        let now = UInt64(Date().timeIntervalSince1970 * 1000)
        let change = Change(
            author: identity.deviceID, level: level, hlc: HLCTimestamp(wallMillis: now, counter: 0),
            operations: [.setType(record: id, type: "probe"), .addTag(record: id, tag: "test-peer")])
        return try SealedDelta.seal(
            change: change, sequence: sequence, previous: previous, epoch: epoch, key: key,
            signer: identity.keys.signing)
    }

    /// `delta` with its signature replaced by one from a key that is not the author's.
    static func forged(_ delta: SealedDelta) -> [UInt8] {
        let forger = Ed25519.PrivateKey()
        let signature = forger.signature(for: HandMadeEnvelope.signedMessage(header: delta.headerBytes, body: delta.body))
        return HandMadeEnvelope.encode(header: delta.headerBytes, body: delta.body, signature: signature)
    }

    /// `delta` with one byte in the middle of its sealed body flipped, signature unchanged.
    static func tampered(_ delta: SealedDelta) -> [UInt8] {
        var body = delta.body
        body[body.count / 2] ^= 0x01
        return HandMadeEnvelope.encode(header: delta.headerBytes, body: body, signature: delta.signature)
    }

}
