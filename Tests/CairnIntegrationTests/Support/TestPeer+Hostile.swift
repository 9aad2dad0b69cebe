import CairnCrypto
import CairnModel
import CairnProtocol
import Foundation
import NIOCore

/// What a hostile `TestPeer` does besides sending lying deltas: frames built by hand (counts no
/// honest encoder would produce) and a socket it stops reading.
extension TestPeer {
    /// Sends an already serialized `SyncMessage`, framed by the transport like any frame.
    func sendEncoded(_ message: [UInt8]) {
        channel.writeAndFlush(channel.allocator.buffer(bytes: message), promise: nil)
    }

    /// Stops reading the socket: the daemon's frames pile up in the kernel's buffers, then in
    /// whatever the daemon keeps queued for this connection. Nothing is acknowledged any more.
    func stopReading() throws {
        try channel.setOption(ChannelOptions.autoRead, value: false).wait()
    }

    /// A serialized `SyncMessage` holding a `Vector` of `count` empty positions (two bytes each):
    /// a vector announcing far more streams than any frame limit could carry as real positions.
    static func emptyPositionsVector(count: Int, round: UInt64 = 1) -> [UInt8] {
        // Vector: round (field 1, varint), then `count` positions (field 2), each empty.
        var vector: [UInt8] = [0x08] + varint(round)
        vector.reserveCapacity(vector.count + 2 * count)
        for _ in 0..<count { vector += [0x12, 0x00] }
        // SyncMessage: vector is field 4, length-delimited.
        return [0x22] + varint(UInt64(vector.count)) + vector
    }

    /// `count` well-formed positions at `level`, of made-up authors (numbered, so that they are
    /// sorted as a vector must be) and heads.
    static func madeUpPositions(count: Int, level: String) throws -> [StreamPosition] {
        try (0..<count).map { index in
            let number = withUnsafeBytes(of: UInt64(index).bigEndian, Array.init)
            return StreamPosition(
                author: try DeviceID(number + Array(repeating: 0x5A, count: 24)), level: level, sequence: UInt64(index + 1),
                head: Array(repeating: 0xA5, count: 24) + number)
        }
    }

    private static func varint(_ value: UInt64) -> [UInt8] {
        var value = value
        var bytes: [UInt8] = []
        repeat {
            bytes.append(UInt8(value & 0x7f) | (value > 0x7f ? 0x80 : 0))
            value >>= 7
        } while value > 0
        return bytes
    }
}

extension TestPeer {
    /// The epoch keys the daemon granted this peer so far, per level: what it needs to write
    /// records the daemon can read.
    func grantedKeys() throws -> [String: [EpochRef: XChaCha20Poly1305.Key]] {
        var keys: [String: [EpochRef: XChaCha20Poly1305.Key]] = [:]
        for envelope in snapshot.replica.stored {
            let delta = try SealedDelta.parse(envelope)
            guard delta.header.kind == .grant else { continue }
            for grant in try GrantCopies.grants(of: delta) where grant.recipient == identity.deviceID {
                keys[grant.level, default: [:]][grant.epoch] = try grant.openKey(with: identity.keys.wrapping)
            }
        }
        return keys
    }

    /// The newest epoch key granted for `level`.
    func currentKey(_ level: String) throws -> (epoch: EpochRef, key: XChaCha20Poly1305.Key) {
        guard let epochs = try grantedKeys()[level], let newest = epochs.keys.max() else {
            throw TestFailure("\(identity.ref) was granted no \(level) key")
        }
        return (newest, epochs[newest]!)
    }
}
