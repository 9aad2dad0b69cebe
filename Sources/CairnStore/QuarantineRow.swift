/// A delta taken out of service because it turned out bad, kept byte for byte as evidence.
public struct QuarantineRow: Hashable, Sendable {
    /// The quarantined delta's id.
    public var deltaID: [UInt8]
    /// Its author.
    public var author: [UInt8]
    /// Its level.
    public var level: String
    /// Its position in its stream.
    public var sequence: UInt64
    /// Its kind's wire number.
    public var kind: Int
    /// Its envelope exactly as received.
    public var envelope: [UInt8]
    /// When it had been received.
    public var receivedAt: Int64
    /// Why it was quarantined, in words for an operator.
    public var reason: String
    /// When it was quarantined.
    public var detectedAt: Int64

    /// Builds a quarantine row.
    public init(
        deltaID: [UInt8], author: [UInt8], level: String, sequence: UInt64, kind: Int,
        envelope: [UInt8], receivedAt: Int64, reason: String, detectedAt: Int64
    ) {
        self.deltaID = deltaID
        self.author = author
        self.level = level
        self.sequence = sequence
        self.kind = kind
        self.envelope = envelope
        self.receivedAt = receivedAt
        self.reason = reason
        self.detectedAt = detectedAt
    }
}
