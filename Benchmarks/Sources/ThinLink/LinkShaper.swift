/// One direction of a thin link, as a schedule: when each byte handed to the link comes out at
/// the far end.
///
/// A satellite or radio link is a FIFO bottleneck followed by a long wire: bytes wait for the
/// bytes ahead of them, are serialised at the link's rate (a packet of `s` bytes takes
/// `s / rate` to put on the air), then propagate for a constant delay. With a constant delay the
/// order of the two stages does not change any delivery time, so one formula does both:
///
///     departure(packet) = the moment the link has paid for it at `rate` (FIFO)
///     delivery(packet)  = departure + delay
///
/// The rate is a token bucket whose tokens (bytes of credit) accrue at `rate`, up to
/// `burstBytes`, and may go negative: a negative balance is the backlog still being serialised,
/// and a packet departs when the balance it leaves is paid back. With `burstBytes` 0 (the
/// default) every packet pays its own transmission time, as on a serial modem; a burst lets that
/// many bytes after an idle period pass at once, as a modem with a small buffer ahead of a
/// faster hop would.
///
/// Bytes are cut into packets of at most `packetBytes` (a TCP segment's payload on an Ethernet
/// MTU), delivered whole: at 64 kbit/s a full packet takes 181 ms to serialise, which a reader
/// on the far end sees as a byte stream that arrives in steps, as over the real link.
///
/// A pure value: time is passed in (seconds on any monotonic clock), so tests can drive it.
public struct LinkShaper: Sendable {
    public let bytesPerSecond: Double
    public let delay: Double
    public let burstBytes: Double
    public let packetBytes: Int

    /// Bytes of credit at `clock`; negative while a backlog is being serialised.
    private var credit: Double
    private var clock: Double?

    /// A packet on the link: its size and the moment its last byte reaches the far end.
    public struct Packet: Sendable, Equatable {
        public let bytes: Int
        public let deliverAt: Double
    }

    public init(bitsPerSecond: Int, delaySeconds: Double, burstBytes: Int = 0, packetBytes: Int = 1448) {
        precondition(bitsPerSecond > 0 && delaySeconds >= 0 && burstBytes >= 0 && packetBytes > 0)
        self.bytesPerSecond = Double(bitsPerSecond) / 8
        self.delay = delaySeconds
        self.burstBytes = Double(burstBytes)
        self.packetBytes = packetBytes
        self.credit = Double(burstBytes)
    }

    /// Hands `count` bytes that arrived at `now` to the link; returns the packets they travel in,
    /// in order, with their delivery times (never earlier than a packet scheduled before).
    public mutating func schedule(_ count: Int, at now: Double) -> [Packet] {
        advance(to: now)
        let start = clock ?? now
        var packets: [Packet] = []
        packets.reserveCapacity(count / packetBytes + 1)
        var left = count
        while left > 0 {
            let size = min(left, packetBytes)
            left -= size
            credit -= Double(size)
            let departure = start + max(0, -credit) / bytesPerSecond
            packets.append(Packet(bytes: size, deliverAt: departure + delay))
        }
        return packets
    }

    /// When something sent at `now` with no payload (a FIN) reaches the far end: after every
    /// byte already scheduled, one delay later.
    public mutating func deliveryOfMarker(at now: Double) -> Double {
        advance(to: now)
        let start = clock ?? now
        return start + max(0, -credit) / bytesPerSecond + delay
    }

    /// Accrues credit for the time since the last call. A `now` earlier than that (threads
    /// racing for the shaper's lock after reading the clock) counts as that moment.
    private mutating func advance(to now: Double) {
        guard let last = clock else {
            clock = now
            return
        }
        guard now > last else { return }
        credit = min(burstBytes, credit + (now - last) * bytesPerSecond)
        clock = now
    }
}
