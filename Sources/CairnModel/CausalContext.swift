/// What a writer had seen of one field or tag: for each author, the newest clock reading seen.
///
/// A replica holds a prefix of every stream (author, level), and a record lives at one level, so
/// having seen author X's write at reading `t` implies having seen every earlier write of X to
/// that record. One reading per author therefore describes a set of writes exactly, which keeps
/// contexts small (one entry per author, not one per write).
///
/// `join` is a per-author maximum, so it is commutative, associative and idempotent: merging
/// contexts in any order, any number of times, gives one answer.
public struct CausalContext: Hashable, Sendable {
    /// The newest reading seen from each author; an absent author means nothing seen.
    public var entries: [DeviceID: HLCTimestamp]

    /// Builds a context, empty by default (a writer that had seen nothing).
    public init(_ entries: [DeviceID: HLCTimestamp] = [:]) {
        self.entries = entries
    }

    /// Whether the write stamped `stamp` is among the writes this context has seen.
    public func covers(_ stamp: Stamp) -> Bool {
        guard let seen = entries[stamp.author] else { return false }
        return seen >= stamp.hlc
    }

    /// Adds everything `other` has seen.
    public mutating func join(_ other: CausalContext) {
        for (author, reading) in other.entries {
            include(author: author, reading: reading)
        }
    }

    /// The union of two contexts, as a value.
    public func joined(_ other: CausalContext) -> CausalContext {
        var result = self
        result.join(other)
        return result
    }

    /// Records that the write stamped `stamp` (and so every earlier write of its author) was seen.
    public mutating func include(_ stamp: Stamp) {
        include(author: stamp.author, reading: stamp.hlc)
    }

    /// Whether nothing has been seen.
    public var isEmpty: Bool { entries.isEmpty }

    private mutating func include(author: DeviceID, reading: HLCTimestamp) {
        if let seen = entries[author], seen >= reading { return }
        entries[author] = reading
    }
}
