/// The version of one write: when it happened and who wrote it.
///
/// Ordered by clock reading, then by author, so two concurrent writes always have a winner that
/// every replica agrees on. An author never issues two writes with one reading, so a stamp
/// identifies a write within a record.
public struct Stamp: Hashable, Comparable, Sendable, CustomStringConvertible {
    /// The author's hybrid clock reading when it wrote.
    public var hlc: HLCTimestamp
    /// The device that wrote.
    public var author: DeviceID

    /// Builds a stamp, usually from a change's header (`Change.stamp`).
    public init(hlc: HLCTimestamp, author: DeviceID) {
        self.hlc = hlc
        self.author = author
    }

    /// Clock reading first, device id to break ties.
    public static func < (lhs: Stamp, rhs: Stamp) -> Bool {
        if lhs.hlc != rhs.hlc { return lhs.hlc < rhs.hlc }
        return lhs.author < rhs.author
    }

    /// `hlc@device`, for logs.
    public var description: String { "\(hlc)@\(author.short)" }
}
