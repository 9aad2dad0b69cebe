/// A delta to store, exactly as received: the daemon has already verified its signature and
/// parsed its header, and hands over the header fields the store indexes plus the opaque envelope.
public struct NewDelta: Hashable, Sendable {
    /// The delta id (32 bytes; BLAKE2b-256 over header, body hash and signature, the same for the
    /// full and the redacted envelope).
    public var id: [UInt8]
    /// The author device's signing key (32 bytes); with `level` it names the stream.
    public var author: [UInt8]
    /// The classification level the delta belongs to.
    public var level: String
    /// Position in the stream (author, level): 1, 2, 3, … without gaps.
    public var sequence: UInt64
    /// The delta kind's wire number (records, grant, …), kept so that readers can filter.
    public var kind: Int
    /// Hybrid logical clock of the author: milliseconds since the Unix epoch.
    public var hlcWall: UInt64
    /// Hybrid logical clock of the author: logical counter within `hlcWall`.
    public var hlcCounter: UInt32
    /// The serialized envelope, byte for byte as received; it is never re-encoded.
    public var envelope: [UInt8]
    /// When this site received the delta, in the caller's time unit (milliseconds by convention).
    public var receivedAt: Int64

    /// Builds a delta row from its header fields and envelope bytes.
    public init(
        id: [UInt8], author: [UInt8], level: String, sequence: UInt64, kind: Int,
        hlcWall: UInt64, hlcCounter: UInt32, envelope: [UInt8], receivedAt: Int64
    ) {
        self.id = id
        self.author = author
        self.level = level
        self.sequence = sequence
        self.kind = kind
        self.hlcWall = hlcWall
        self.hlcCounter = hlcCounter
        self.envelope = envelope
        self.receivedAt = receivedAt
    }
}
