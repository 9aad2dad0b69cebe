import Foundation

/// What crossed the link, for the benchmark's figures: bytes each way (TLS records and all, as
/// the link carried them), connections, and when traffic began and last moved.
///
/// "up" is client → upstream (the side that dialled towards the side it dialled), "down" the
/// other way.
public final class LinkStats: @unchecked Sendable {
    // @unchecked: every field is guarded by `lock`.

    public struct Snapshot: Sendable, Equatable {
        public var connections = 0
        public var open = 0
        public var refused = 0
        public var upstreamFailures = 0
        /// Bytes written to the far end (delivered), each way.
        public var bytesUp = 0
        public var bytesDown = 0
        /// Bytes read from the senders (on the link or delivered), each way.
        public var readUp = 0
        public var readDown = 0
        /// Wall-clock times (seconds since 1970), 0 until they happen.
        public var firstAcceptAt = 0.0
        public var lastDeliveryAt = 0.0
        /// How late writes left the proxy against the schedule (seconds): the proxy's own
        /// timing error on a loaded machine, plus any wait for a receiver that stopped reading.
        /// Figures measured over the link are only as good as this.
        public var deliveries = 0
        public var totalLateness = 0.0
        public var maxLateness = 0.0

        public var meanLateness: Double { deliveries == 0 ? 0 : totalLateness / Double(deliveries) }

        /// `key=value` lines, for scripts (`sed -n 's/^bytes_up=//p'`).
        public func rendered(listen: String, upstream: String, settings: ThinLinkProxy.Settings) -> String {
            let lines = [
                "listen=\(listen)",
                "upstream=\(upstream)",
                "up_bits_per_second=\(settings.upBitsPerSecond)",
                "down_bits_per_second=\(settings.downBitsPerSecond)",
                "delay_ms=\(Int((settings.delaySeconds * 1000).rounded()))",
                "burst_bytes=\(settings.burstBytes)",
                "connections=\(connections)",
                "open=\(open)",
                "refused=\(refused)",
                "upstream_failures=\(upstreamFailures)",
                "bytes_up=\(bytesUp)",
                "bytes_down=\(bytesDown)",
                "read_up=\(readUp)",
                "read_down=\(readDown)",
                String(format: "first_accept_at=%.6f", firstAcceptAt),
                String(format: "last_delivery_at=%.6f", lastDeliveryAt),
                "deliveries=\(deliveries)",
                String(format: "mean_late_ms=%.3f", meanLateness * 1000),
                String(format: "max_late_ms=%.3f", maxLateness * 1000),
            ]
            return lines.joined(separator: "\n") + "\n"
        }
    }

    private let lock = NSLock()
    private var current = Snapshot()

    public init() {}

    public var snapshot: Snapshot { lock.withLock { current } }

    func update(_ change: (inout Snapshot) -> Void) {
        lock.withLock { change(&current) }
    }

    static func wallNow() -> Double { Date().timeIntervalSince1970 }
}
