import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// One proxied TCP connection: four threads, each blocking on one thing (a read from the client,
/// a read from upstream, the next packet of either direction), which keeps each one a plain
/// loop. Bytes go through verbatim and in order; a FIN is forwarded after the bytes before it
/// (half-close), and a reset or a failed write cuts both directions.
final class LinkConnection: @unchecked Sendable {
    // @unchecked: `upstream`, `upstreamFailed`, `threadsLeft`, `wasCut`, `socketsClosed` and the
    // byte counts are guarded by `condition`; the queues and shapers lock themselves.

    enum Direction { case up, down }

    static let readBytes = 16 * 1024

    let id: Int
    let client: Int32
    let acceptedAt: Double
    private let proxy: ThinLinkProxy
    private let upQueue: DeliveryQueue
    private let downQueue: DeliveryQueue
    private let condition = NSCondition()
    private var upstream: Int32 = -1
    private var upstreamFailed = false
    private var threadsLeft = 4
    private var delivered = (up: 0, down: 0)
    private var wasCut = false
    private var socketsClosed = false

    init(id: Int, client: Int32, proxy: ThinLinkProxy) {
        self.id = id
        self.client = client
        self.proxy = proxy
        self.acceptedAt = monotonicNow()
        upQueue = DeliveryQueue(limitBytes: proxy.settings.queueLimitBytes)
        downQueue = DeliveryQueue(limitBytes: proxy.settings.queueLimitBytes)
    }

    /// With the TCP handshake emulated, the client may send its first byte one round trip after
    /// it dialled (SYN there, SYN-ACK back), and the upstream side accepts the connection when
    /// that first segment arrives, half a round trip later. Without it, both are immediate.
    private var clientMaySendAt: Double {
        let settings = proxy.settings
        return settings.emulateTCPHandshake ? acceptedAt + 2 * settings.delaySeconds : acceptedAt
    }
    private var upstreamConnectsAt: Double {
        let settings = proxy.settings
        return settings.emulateTCPHandshake ? acceptedAt + 3 * settings.delaySeconds : acceptedAt
    }

    func start() {
        spawn { self.read(from: self.client, direction: .up, notBefore: self.clientMaySendAt) }
        spawn { self.write(.up) }
        spawn { self.write(.down) }
        spawn {
            waitUntil(self.upstreamConnectsAt)
            guard let fd = self.connectUpstream() else { return }
            self.read(from: fd, direction: .down, notBefore: 0)
        }
    }

    private func spawn(_ body: @escaping @Sendable () -> Void) {
        Thread.detachNewThread {
            body()
            self.threadEnded()
        }
    }

    private func connectUpstream() -> Int32? {
        let fd = Sockets.connect(host: proxy.upstreamHost, port: proxy.upstreamPort)
        let kept: Int32? = condition.withLock {
            defer { condition.broadcast() }
            guard let fd, !wasCut else {
                upstreamFailed = true
                return nil
            }
            upstream = fd
            return fd
        }
        guard let kept else {
            if let fd {
                close(fd)  // cut while connecting: never used
            } else {
                proxy.stats.update { $0.upstreamFailures += 1 }
                proxy.note("connection \(id): upstream \(proxy.upstreamHost):\(proxy.upstreamPort) refused or unreachable")
            }
            cut()
            return nil
        }
        return kept
    }

    /// The upstream socket once connected; nil if connecting failed or the connection was cut.
    private func waitForUpstream() -> Int32? {
        condition.lock()
        defer { condition.unlock() }
        while upstream < 0 && !upstreamFailed { condition.wait() }
        return upstreamFailed ? nil : upstream
    }

    private func read(from fd: Int32, direction: Direction, notBefore: Double) {
        let queue = direction == .up ? upQueue : downQueue
        let shaper = direction == .up ? proxy.upShaper : proxy.downShaper
        var buffer = [UInt8](repeating: 0, count: Self.readBytes)
        while queue.waitForRoom() {
            let count = recv(fd, &buffer, buffer.count, 0)
            if count < 0 && errno == EINTR { continue }
            let now = max(monotonicNow(), notBefore)
            if count == 0 {
                queue.append([.end(deliverAt: shaper.withLock { $0.deliveryOfMarker(at: now) })])
                return
            }
            guard count > 0 else {
                cut()  // a reset: both directions end at once (the other side sees its stream end)
                return
            }
            let packets = shaper.withLock { $0.schedule(count, at: now) }
            var offset = 0
            let items = packets.map { packet -> DeliveryQueue.Item in
                defer { offset += packet.bytes }
                return .bytes(Array(buffer[offset..<(offset + packet.bytes)]), deliverAt: packet.deliverAt)
            }
            proxy.stats.update { direction == .up ? ($0.readUp += count) : ($0.readDown += count) }
            queue.append(items)
        }
    }

    private func write(_ direction: Direction) {
        let queue = direction == .up ? upQueue : downQueue
        while let item = queue.nextDue() {
            let late = max(0, monotonicNow() - item.deliverAt)
            guard let fd = direction == .up ? waitForUpstream() : client else { return }
            switch item {
            case .bytes(let bytes, _):
                guard bytes.withUnsafeBytes({ Sockets.sendAll(fd, $0) }) else {
                    cut()
                    return
                }
                condition.withLock {
                    if direction == .up { delivered.up += bytes.count } else { delivered.down += bytes.count }
                }
                let now = LinkStats.wallNow()
                proxy.stats.update {
                    if direction == .up { $0.bytesUp += bytes.count } else { $0.bytesDown += bytes.count }
                    $0.lastDeliveryAt = now
                    $0.deliveries += 1
                    $0.totalLateness += late
                    $0.maxLateness = max($0.maxLateness, late)
                }
            case .end:
                shutdown(fd, Int32(SHUT_WR))
                return
            }
        }
    }

    /// Ends both directions at once: queued bytes are dropped and every thread's next step fails.
    /// The sockets are shut down under the lock, so never after the last thread closed them
    /// (their descriptors may already belong to another connection by then).
    func cut() {
        condition.withLock {
            wasCut = true
            if upstream < 0 { upstreamFailed = true }
            condition.broadcast()
            guard !socketsClosed else { return }
            shutdown(client, Int32(SHUT_RDWR))
            if upstream >= 0 { shutdown(upstream, Int32(SHUT_RDWR)) }
        }
        upQueue.cut()
        downQueue.cut()
    }

    /// The last of the four threads closes the sockets and reports the connection.
    private func threadEnded() {
        let last: (up: Int, down: Int, cut: Bool)? = condition.withLock {
            threadsLeft -= 1
            guard threadsLeft == 0 else { return nil }
            socketsClosed = true
            close(client)
            if upstream >= 0 { close(upstream) }
            return (delivered.up, delivered.down, wasCut)
        }
        guard let last else { return }
        proxy.connectionEnded(
            self,
            summary: "connection \(id) \(last.cut ? "cut" : "closed") after "
                + String(format: "%.1f s: up %d B, down %d B", monotonicNow() - acceptedAt, last.up, last.down))
    }
}
