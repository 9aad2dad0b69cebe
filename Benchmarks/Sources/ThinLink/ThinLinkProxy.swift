import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// A userspace TCP proxy that makes a loopback connection behave like a thin link (a satellite
/// or radio hop): each direction is one shared bottleneck of `bitsPerSecond` followed by a
/// one-way delay (`LinkShaper`), and the TCP handshake costs its round trip. The kernel here has
/// no netem, and `tc tbf` needs root and namespaces and gives no byte counts; a proxy needs
/// neither and counts every byte each way.
///
/// POSIX sockets and blocking threads (four per connection, at most `maxConnections`), not
/// SwiftNIO: the proxy's work is waiting (for bytes, for a packet's delivery time), which a
/// blocking thread expresses as a plain loop, and its throughput is tens of kilobytes a second.
/// The same design as the integration tests' `FaultProxy`, which it does not share code with
/// because the main package's test support is not a product.
///
/// Both directions of every connection share that direction's shaper, as connections over one
/// real link share its capacity. Bytes are forwarded verbatim and in order (TLS passes through
/// untouched), a FIN after the bytes before it.
public final class ThinLinkProxy: @unchecked Sendable {
    // @unchecked: `connections`, `nextID` and `stopped` are guarded by `lock`; the rest is
    // immutable or locks itself.

    public struct Settings: Sendable {
        public var upBitsPerSecond = 64_000
        public var downBitsPerSecond = 64_000
        /// One way, each direction.
        public var delaySeconds = 0.3
        public var burstBytes = 0
        public var packetBytes = 1448
        /// Delay the first client byte by a round trip and the upstream accept by one and a
        /// half, as TCP's three-way handshake does over the link.
        public var emulateTCPHandshake = true
        /// Bytes each direction of a connection may hold on the link before the proxy stops
        /// reading from the sender (8 s of a 64 kbit/s link: a modem's queue, not unbounded).
        /// Bytes still propagating count too, so it must stay well above rate × delay (2,400
        /// bytes at the defaults) or it, not the rate, would limit the throughput.
        public var queueLimitBytes = 64 * 1024
        public var maxConnections = 64

        public init() {}
    }

    public let settings: Settings
    public let port: UInt16
    public let upstreamHost: String
    public let upstreamPort: UInt16
    public let stats = LinkStats()
    let upShaper: SharedShaper
    let downShaper: SharedShaper
    private let listener: Int32
    private let log: (@Sendable (String) -> Void)?
    private let lock = NSLock()
    private var connections: [Int: LinkConnection] = [:]
    private var nextID = 1
    private var stopped = false

    /// Listens on `host:port` (0: a free port, see `port`) and forwards to `upstream`. `log`
    /// hears of every connection opened, closed or refused.
    public init(
        host: String = "127.0.0.1", port: UInt16, upstreamHost: String, upstreamPort: UInt16, settings: Settings = Settings(),
        log: (@Sendable (String) -> Void)? = nil
    ) throws {
        self.settings = settings
        self.upstreamHost = upstreamHost
        self.upstreamPort = upstreamPort
        self.log = log
        upShaper = SharedShaper(
            LinkShaper(
                bitsPerSecond: settings.upBitsPerSecond, delaySeconds: settings.delaySeconds, burstBytes: settings.burstBytes,
                packetBytes: settings.packetBytes))
        downShaper = SharedShaper(
            LinkShaper(
                bitsPerSecond: settings.downBitsPerSecond, delaySeconds: settings.delaySeconds, burstBytes: settings.burstBytes,
                packetBytes: settings.packetBytes))
        (listener, self.port) = try Sockets.listen(host: host, port: port)
        Thread.detachNewThread { [self] in acceptLoop() }
    }

    public var listenAddress: String { "127.0.0.1:\(port)" }

    /// The figures as `key=value` lines (see `LinkStats.Snapshot.rendered`).
    public func renderedStats() -> String {
        stats.snapshot.rendered(listen: listenAddress, upstream: "\(upstreamHost):\(upstreamPort)", settings: settings)
    }

    /// Stops accepting and cuts every open connection.
    public func stop() {
        let open: [LinkConnection] = lock.withLock {
            stopped = true
            return Array(connections.values)
        }
        shutdown(listener, Int32(SHUT_RDWR))  // wakes the accept loop, which closes it
        for connection in open { connection.cut() }
    }

    private func acceptLoop() {
        defer { close(listener) }
        while !lock.withLock({ stopped }) {
            let client = accept(listener, nil, nil)
            guard client >= 0 else {
                if errno == EINTR || errno == ECONNABORTED { continue }
                return  // the listener was closed by stop()
            }
            Sockets.noDelay(client)
            let connection: LinkConnection? = lock.withLock {
                guard !stopped, connections.count < settings.maxConnections else { return nil }
                defer { nextID += 1 }
                let connection = LinkConnection(id: nextID, client: client, proxy: self)
                connections[nextID] = connection
                return connection
            }
            guard let connection else {
                close(client)
                stats.update { $0.refused += 1 }
                note("refused a connection: \(settings.maxConnections) are open")
                continue
            }
            let now = LinkStats.wallNow()
            stats.update {
                $0.connections += 1
                $0.open += 1
                if $0.firstAcceptAt == 0 { $0.firstAcceptAt = now }
            }
            note("connection \(connection.id) opened")
            connection.start()
        }
    }

    func connectionEnded(_ connection: LinkConnection, summary: String) {
        lock.withLock { _ = connections.removeValue(forKey: connection.id) }
        stats.update { $0.open -= 1 }
        note(summary)
    }

    func note(_ line: String) { log?(line) }
}

/// One direction's shaper, shared by every connection over the link.
final class SharedShaper: @unchecked Sendable {
    // @unchecked: `shaper` is guarded by `lock`.
    private let lock = NSLock()
    private var shaper: LinkShaper

    init(_ shaper: LinkShaper) { self.shaper = shaper }

    func withLock<T>(_ body: (inout LinkShaper) -> T) -> T {
        lock.withLock { body(&shaper) }
    }
}
