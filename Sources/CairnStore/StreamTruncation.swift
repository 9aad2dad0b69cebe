/// The end of a stream taken out of service: every stored delta of `(author, level)` from
/// `fromSequence` on moves to the quarantine as evidence, and the stream's head moves back to
/// the delta just before it (the stream disappears when that is sequence 0).
///
/// What a retroactive revocation does to the streams of the revoked device: the deltas it wrote
/// from the revocation's effective time on stop being served, relayed or exported, and the
/// stream stays a contiguous prefix, so the version vector describes what is held exactly.
public struct StreamTruncation: Hashable, Sendable {
    /// The stream's author (32 bytes).
    public var author: [UInt8]
    public var level: String
    /// The first sequence number withdrawn (at least 1).
    public var fromSequence: UInt64
    /// Why, in words for an operator (kept with each quarantined delta; never record data).
    public var reason: String
    /// When, in milliseconds since the Unix epoch.
    public var detectedAt: Int64

    /// Builds a truncation.
    public init(author: [UInt8], level: String, fromSequence: UInt64, reason: String, detectedAt: Int64) {
        self.author = author
        self.level = level
        self.fromSequence = fromSequence
        self.reason = reason
        self.detectedAt = detectedAt
    }
}
