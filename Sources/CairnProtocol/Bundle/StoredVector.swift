import CairnModel
import CairnWire
import Foundation

/// How the daemon keeps the last vector known for a peer in its store: the positions as a
/// `BundleVector` body with only `positions` set. Read back with the same checks as a vector
/// received from the peer.
public enum StoredVector {
    /// The stored form of `positions`.
    public static func encode(_ positions: [StreamPosition]) -> [UInt8] {
        var wire = Cairn_V1_BundleVector()
        wire.positions = positions.sorted().map(\.wire)
        return WireDecoding.encode(wire)
    }

    /// The positions of a stored vector.
    public static func decode(_ bytes: [UInt8]) throws -> [StreamPosition] {
        let wire: Cairn_V1_BundleVector
        do {
            wire = try Cairn_V1_BundleVector(serializedBytes: bytes, options: BundleWire.options)
            return try SyncFrameCheck.positions(wire.positions, limits: .default)
        } catch {
            throw BundleError.malformed("stored vector: \(error)")
        }
    }
}
