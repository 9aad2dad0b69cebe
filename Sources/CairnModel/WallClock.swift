#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// A source of physical time.
///
/// The hybrid clock reads time through this protocol so that tests can inject skew, stalls and
/// backward jumps, which time namespaces cannot do for the wall clock.
public protocol WallClock: Sendable {
    /// Milliseconds since the Unix epoch; may jump backwards.
    func nowMillis() -> UInt64
}

/// The operating system's real-time clock.
public struct SystemWallClock: WallClock {
    /// Creates the system clock; it holds no state.
    public init() {}

    /// Reads `CLOCK_REALTIME`; a clock set before 1970 reads as 0.
    public func nowMillis() -> UInt64 {
        var spec = timespec()
        clock_gettime(CLOCK_REALTIME, &spec)
        guard spec.tv_sec >= 0 else { return 0 }
        return UInt64(spec.tv_sec) * 1_000 + UInt64(spec.tv_nsec / 1_000_000)
    }
}
