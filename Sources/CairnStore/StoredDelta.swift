/// A delta read back from the store, with its position in arrival order.
public struct StoredDelta: Hashable, Sendable {
    /// Arrival order at this site: increases with every stored delta and never changes.
    public var rowid: Int64
    /// The delta id (32 bytes; BLAKE2b-256 over header, body hash and signature, the same for the
    /// full and the redacted envelope).
    public var id: [UInt8]
    /// The author device's signing key (32 bytes).
    public var author: [UInt8]
    /// The classification level the delta belongs to.
    public var level: String
    /// Position in the stream (author, level).
    public var sequence: UInt64
    /// The delta kind's wire number.
    public var kind: Int
    /// Hybrid logical clock of the author: milliseconds since the Unix epoch.
    public var hlcWall: UInt64
    /// Hybrid logical clock of the author: logical counter.
    public var hlcCounter: UInt32
    /// The serialized envelope exactly as it was received, or its redacted form once its record
    /// was withdrawn from the level.
    public var envelope: [UInt8]
    /// When this site received the delta.
    public var receivedAt: Int64

    /// Builds a stored delta; the store makes these, tests and callers may compare against them.
    public init(
        rowid: Int64, id: [UInt8], author: [UInt8], level: String, sequence: UInt64, kind: Int,
        hlcWall: UInt64, hlcCounter: UInt32, envelope: [UInt8], receivedAt: Int64
    ) {
        self.rowid = rowid
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

    /// The fields as they were handed to `commit`, without the store's row id.
    public var asNewDelta: NewDelta {
        NewDelta(
            id: id, author: author, level: level, sequence: sequence, kind: kind,
            hlcWall: hlcWall, hlcCounter: hlcCounter, envelope: envelope, receivedAt: receivedAt)
    }
}
