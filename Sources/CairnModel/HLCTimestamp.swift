/// A hybrid logical clock reading: physical milliseconds plus a logical counter.
///
/// The wall part keeps timestamps close to real time so people can read them; the counter orders
/// events that share a millisecond or happen while the physical clock stands still or goes
/// backwards. Readings are ordered by `(wallMillis, counter)`.
public struct HLCTimestamp: Hashable, Comparable, Sendable, CustomStringConvertible {
    /// Milliseconds since the Unix epoch, as far as the author's clock knew.
    public var wallMillis: UInt64
    /// Orders readings within one `wallMillis`.
    public var counter: UInt32

    /// Builds a reading, for example one decoded from a delta header.
    public init(wallMillis: UInt64, counter: UInt32) {
        self.wallMillis = wallMillis
        self.counter = counter
    }

    /// The reading before every real one: the starting point of a fresh clock.
    public static let zero = HLCTimestamp(wallMillis: 0, counter: 0)

    /// Orders by physical time first, then by counter.
    public static func < (lhs: HLCTimestamp, rhs: HLCTimestamp) -> Bool {
        (lhs.wallMillis, lhs.counter) < (rhs.wallMillis, rhs.counter)
    }

    /// `wallMillis.counter`, for logs.
    public var description: String { "\(wallMillis).\(counter)" }
}
