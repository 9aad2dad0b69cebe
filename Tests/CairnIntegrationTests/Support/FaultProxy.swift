import CairnTestSupport
import Foundation

/// A userspace TCP proxy on 127.0.0.1 that injects `NetworkFault`s between two sites: one site's
/// `[peers]` entry (or `peer add`) points at `address`, and the proxy forwards to the other
/// site's sync port. The kernel here has no netem, so this is how tests see what a hostile or
/// broken network does to the sync protocol.
///
/// POSIX sockets and one thread per direction of each connection, all bounded: at most
/// `maxConnections` connections, reads of at most 16 KiB, and under `reorder` at most one
/// partial and one held-back TLS record per direction. While stalled it reads nothing, so the
/// senders' kernels hold the backlog, not this process.
final class FaultProxy: @unchecked Sendable {
    // @unchecked: mutable state is guarded by `lock`; sockets are used by their own threads.

    static let maxConnections = 32
    static let chunkBytes = 16 * 1024

    let port: UInt16
    let upstreamPort: UInt16
    var address: String { "127.0.0.1:\(port)" }

    private let listener: Int32
    private let seed: UInt64
    private let lock = NSLock()
    private var currentFault = NetworkFault.none
    private var connections: [Int: ProxyConnection] = [:]
    private var nextConnection = 0
    private var counters: [String: Int] = [:]
    private var stopped = false
    private let threads = DispatchGroup()

    /// Listens on a free loopback port and forwards every connection to `upstreamPort`.
    init(upstreamPort: UInt16, seed: UInt64) throws {
        self.upstreamPort = upstreamPort
        self.seed = seed
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { throw TestFailure("proxy: cannot create a socket: \(String(cString: strerror(errno)))") }
        var address = Self.loopback(port: 0)
        let bound = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let named = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &length) }
        }
        guard bound == 0, named == 0, listen(fd, 64) == 0 else {
            close(fd)
            throw TestFailure("proxy: cannot listen on 127.0.0.1: \(String(cString: strerror(errno)))")
        }
        listener = fd
        port = UInt16(bigEndian: address.sin_port)
        threads.enter()
        Thread.detachNewThread { [self] in
            defer { threads.leave() }
            acceptLoop()
        }
    }

    /// The fault applied from now on, to open connections as well as new ones. `partition` cuts
    /// every open connection at once.
    var fault: NetworkFault {
        get { lock.withLock { currentFault } }
        set {
            let cut: [ProxyConnection] = lock.withLock {
                currentFault = newValue
                return newValue == .partition ? Array(connections.values) : []
            }
            for connection in cut { connection.cut() }
            if !cut.isEmpty { count("cut", by: cut.count) }
        }
    }

    /// How often each thing happened: connections, bytes, and each fault injected.
    var stats: [String: Int] { lock.withLock { counters } }

    func count(_ name: String, by amount: Int = 1) {
        lock.withLock { counters[name, default: 0] += amount }
    }

    /// Closes the listener and every connection, and waits for every thread.
    func stop() {
        let open: [ProxyConnection] = lock.withLock {
            stopped = true
            return Array(connections.values)
        }
        shutdown(listener, Int32(SHUT_RDWR))
        for connection in open { connection.cut() }
        threads.wait()
        close(listener)
    }

    var isStopped: Bool { lock.withLock { stopped } }

    private func acceptLoop() {
        while !isStopped {
            let client = accept(listener, nil, nil)
            guard client >= 0 else {
                if errno == EINTR { continue }
                return
            }
            let (fault, open) = lock.withLock { (currentFault, connections.count) }
            if fault == .partition || open >= Self.maxConnections || isStopped {
                count(fault == .partition ? "refused" : "over_limit")
                close(client)
                continue
            }
            guard let upstream = Self.connectUpstream(upstreamPort) else {
                count("upstream_unreachable")
                close(client)
                continue
            }
            let id = lock.withLock {
                nextConnection += 1
                return nextConnection
            }
            let connection = ProxyConnection(client: client, upstream: upstream)
            lock.withLock { connections[id] = connection }
            count("connections")
            for (direction, (from, to)) in [(client, upstream), (upstream, client)].enumerated() {
                let pumpSeed = seed &+ UInt64(id * 2 + direction)
                threads.enter()
                Thread.detachNewThread { [self] in
                    defer { threads.leave() }
                    var random = SeededRandom(seed: pumpSeed)
                    pump(from: from, to: to, connection: connection, random: &random)
                    if connection.finishPump() { lock.withLock { _ = connections.removeValue(forKey: id) } }
                }
            }
        }
    }

    static func loopback(port: UInt16) -> sockaddr_in {
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = port.bigEndian
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        return address
    }

    private static func connectUpstream(_ port: UInt16) -> Int32? {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { return nil }
        var address = loopback(port: port)
        let connected = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard connected == 0 else {
            close(fd)
            return nil
        }
        return fd
    }
}

/// One proxied connection: the socket the site dialled in on and the one to the other site.
final class ProxyConnection: @unchecked Sendable {
    // @unchecked: `pumpsDone` is guarded by `lock`; the descriptors are fixed.
    let client: Int32
    let upstream: Int32
    private let lock = NSLock()
    private var pumpsDone = 0

    init(client: Int32, upstream: Int32) {
        self.client = client
        self.upstream = upstream
    }

    /// Ends both directions: each pump's next read or write fails.
    func cut() {
        shutdown(client, Int32(SHUT_RDWR))
        shutdown(upstream, Int32(SHUT_RDWR))
    }

    /// Called by each pump as it ends; the second closes the descriptors and returns true.
    func finishPump() -> Bool {
        let last = lock.withLock {
            pumpsDone += 1
            return pumpsDone == 2
        }
        if last {
            close(client)
            close(upstream)
        }
        return last
    }
}
