/// The last stored position of one stream (author, level): what this site has, to compare with
/// peers during reconciliation.
public struct StreamHeadRow: Hashable, Sendable {
    /// The author device's signing key.
    public var author: [UInt8]
    /// The stream's level.
    public var level: String
    /// The highest sequence stored; every sequence from 1 to it was stored (some may since have
    /// been quarantined).
    public var sequence: UInt64
    /// Id of the delta at `sequence`, which the next delta names as its predecessor.
    public var headID: [UInt8]

    /// Builds a stream head.
    public init(author: [UInt8], level: String, sequence: UInt64, headID: [UInt8]) {
        self.author = author
        self.level = level
        self.sequence = sequence
        self.headID = headID
    }
}
