/// A stream of deltas: everything one device writes at one classification level.
///
/// Streams are the unit of ordering and replication: each is a hash chain with contiguous
/// sequence numbers, and a replica holds a prefix of each. Separate streams per level let a peer
/// replicate only the levels it is cleared for without holes in any chain.
public struct StreamID: Hashable, Comparable, Sendable, CustomStringConvertible {
    /// The device that writes the stream.
    public var author: DeviceID
    /// The classification level of every delta in the stream.
    public var level: String

    /// Names a stream.
    public init(author: DeviceID, level: String) {
        self.author = author
        self.level = level
    }

    /// By author, then by level name, for stable listings and messages.
    public static func < (lhs: StreamID, rhs: StreamID) -> Bool {
        if lhs.author != rhs.author { return lhs.author < rhs.author }
        return lhs.level.utf8.lexicographicallyPrecedes(rhs.level.utf8)
    }

    /// `device/LEVEL`, for logs.
    public var description: String { "\(author.short)/\(level)" }
}

/// The last delta held of a stream: its sequence number and id.
///
/// The next delta must carry sequence + 1 and name `deltaID` as its predecessor (`ChainCheck`).
public struct StreamHead: Hashable, Sendable {
    /// Sequence number of the last delta held; streams start at 1.
    public var sequence: UInt64
    /// Id (32 bytes: BLAKE2b-256 over header, body hash and signature) of the last delta held.
    public var deltaID: [UInt8]

    /// Builds a head, for example from the store. The id is not checked here: a malformed id can
    /// never equal a real predecessor, so `ChainCheck` reports a fork rather than accepting.
    public init(sequence: UInt64, deltaID: [UInt8]) {
        self.sequence = sequence
        self.deltaID = deltaID
    }
}
