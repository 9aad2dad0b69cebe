/// A hybrid logical clock (Kulkarni et al., 2014).
///
/// Every reading from `now()` is strictly greater than every reading it returned before and every
/// remote reading passed to `observe(_:)`, even when the physical clock stalls or goes backwards.
/// That is what lets a write's stamp be newer than everything its author had seen, so that
/// last-writer-wins never lets an older write beat a newer one that saw it.
///
/// The clock refuses a remote reading that is too far ahead of our physical clock: otherwise one
/// peer with a broken clock would drag every clock in the federation into the future for good.
public struct HybridLogicalClock: Sendable {
    /// Where physical time comes from.
    public let clock: any WallClock
    /// How far ahead of our physical clock a remote reading may be before it is refused.
    public let maxDriftMillis: UInt64
    /// The greatest reading returned or observed so far; persist it to stay monotonic across
    /// restarts.
    public private(set) var last: HLCTimestamp

    /// Creates a clock resuming from `last` (for example the value persisted before a restart).
    /// The default drift of five minutes tolerates ordinary NTP error but not a misconfigured
    /// clock.
    public init(clock: any WallClock, last: HLCTimestamp = .zero, maxDriftMillis: UInt64 = 300_000) {
        self.clock = clock
        self.last = last
        self.maxDriftMillis = maxDriftMillis
    }

    /// Returns a reading strictly greater than every earlier one.
    ///
    /// When the physical clock is behind `last`, the counter advances instead; if the counter
    /// would overflow, the wall part moves one millisecond ahead of real time.
    public mutating func now() -> HLCTimestamp {
        let physical = clock.nowMillis()
        if physical > last.wallMillis {
            last = HLCTimestamp(wallMillis: physical, counter: 0)
        } else if last.counter < UInt32.max {
            last.counter += 1
        } else {
            precondition(last.wallMillis < UInt64.max, "hybrid logical clock exhausted")
            last = HLCTimestamp(wallMillis: last.wallMillis + 1, counter: 0)
        }
        return last
    }

    /// Folds in a reading from another device, so that our next reading is newer than it.
    ///
    /// Throws `ModelError.clockSkew` (and changes nothing) when `remote` is more than
    /// `maxDriftMillis` ahead of our physical clock.
    public mutating func observe(_ remote: HLCTimestamp) throws {
        let physical = clock.nowMillis()
        let (ceiling, overflow) = physical.addingReportingOverflow(maxDriftMillis)
        if !overflow && remote.wallMillis > ceiling {
            throw ModelError.clockSkew(remote: remote, physicalMillis: physical, maxDriftMillis: maxDriftMillis)
        }
        last = max(last, remote)
    }
}
