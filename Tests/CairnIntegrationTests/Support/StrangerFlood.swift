import Foundation

/// An attacker on the sync port that needs no identity at all: plain TCP sockets bound to a
/// loopback address of its own (Linux routes all of 127/8 to `lo`, so 127.0.0.9 is another
/// source than the 127.0.0.1 the daemons dial from), either sending a bogus TLS record and
/// closing as fast as it can, or holding connections open in silence and reopening each one
/// the daemon closes.
enum StrangerFlood {
    /// A TLS record header announcing a handshake message, followed by bytes that are none.
    static let bogusRecord: [UInt8] = [0x16, 0x03, 0x01, 0x00, 0x08, 0xde, 0xad, 0xbe, 0xef, 0x00, 0x00, 0x00, 0x00]

    /// A TCP socket from `source` connected to 127.0.0.1:`port`, or nil if the connection failed.
    static func connect(from source: String, to port: UInt16) throws -> Int32? {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { throw TestFailure("cannot create a socket: \(String(cString: strerror(errno)))") }
        var local = sockaddr_in()
        local.sin_family = sa_family_t(AF_INET)
        local.sin_addr.s_addr = inet_addr(source)
        let bound = withUnsafePointer(to: &local) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard bound == 0 else {
            let reason = String(cString: strerror(errno))
            close(fd)
            throw TestFailure("cannot bind \(source): \(reason)")
        }
        var remote = sockaddr_in()
        remote.sin_family = sa_family_t(AF_INET)
        remote.sin_port = port.bigEndian
        remote.sin_addr.s_addr = inet_addr("127.0.0.1")
        let connected = withUnsafePointer(to: &remote) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { Glibc.connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard connected == 0 else {
            close(fd)
            return nil
        }
        return fd
    }

    /// `count` connections from `source`, each sending `bogusRecord` and closing at once.
    /// Returns how many connected and wrote the record (the rest were refused by the kernel,
    /// say with a full backlog).
    static func garbage(count: Int, from source: String, to port: UInt16) throws -> Int {
        var sent = 0
        for _ in 0..<count {
            guard let fd = try connect(from: source, to: port) else { continue }
            let written = bogusRecord.withUnsafeBytes { send(fd, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
            if written == bogusRecord.count { sent += 1 }
            close(fd)
        }
        return sent
    }

    /// Connections held open from `source`, never sending a byte, each reopened as soon as the
    /// daemon closes it, until `stop()`: `threadsPerPort` threads per port (so that reopening
    /// keeps up with a daemon that closes connections by the hundred), each polling its share
    /// of the sockets every few milliseconds.
    final class Holder: @unchecked Sendable {
        // @unchecked: every mutable property is guarded by `lock`.
        private let source: String
        private let count: Int
        private let lock = NSLock()
        private var running = true
        private let finished = DispatchSemaphore(value: 0)
        private let threads: Int
        private var sockets: [Int: [Int32]] = [:]
        private var opened = 0
        private var failures: [String] = []

        /// Holds `count` connections on each of `ports`.
        init(count: Int, from source: String, to ports: [UInt16], threadsPerPort: Int = 4) {
            self.source = source
            self.count = count
            self.threads = ports.count * threadsPerPort
            for (index, port) in ports.enumerated() {
                for part in 0..<threadsPerPort {
                    let share = count / threadsPerPort + (part < count % threadsPerPort ? 1 : 0)
                    Thread { [self] in run(port, share: share, slot: index * threadsPerPort + part) }.start()
                }
            }
        }

        /// Connections opened, the first `count` per port included.
        var connections: Int { lock.withLock { opened } }

        /// What stopped a thread early, if anything.
        var failure: String? { lock.withLock { failures.isEmpty ? nil : failures.joined(separator: "; ") } }

        private var isRunning: Bool { lock.withLock { running } }

        private func run(_ port: UInt16, share: Int, slot: Int) {
            defer { finished.signal() }
            var current: [Int32] = []
            do {
                while isRunning {
                    // Open what is missing (all of it at first, and again while the daemon
                    // restarts and refuses connections).
                    while current.count < share, isRunning, let fd = try StrangerFlood.connect(from: source, to: port) {
                        current.append(fd)
                        lock.withLock { opened += 1 }
                    }
                    lock.withLock { sockets[slot] = current }
                    var polls = current.map { pollfd(fd: $0, events: Int16(POLLIN), revents: 0) }
                    _ = poll(&polls, nfds_t(polls.count), 2)
                    // Readable means closed by the daemon (it never sends a stranger a byte before
                    // a ClientHello), or an error: either way, it is closed here and reopened.
                    var kept: [Int32] = []
                    for (index, fd) in current.enumerated() {
                        if polls[index].revents != 0 { close(fd) } else { kept.append(fd) }
                    }
                    current = kept
                }
            } catch {
                lock.withLock { failures.append("port \(port): \(error)") }
            }
            lock.withLock { sockets[slot] = current }
        }

        /// Stops reopening and closes every connection (once; later calls do nothing).
        func stop() {
            let wasRunning = lock.withLock {
                defer { running = false }
                return running
            }
            guard wasRunning else { return }
            for _ in 0..<threads { finished.wait() }
            for fd in lock.withLock({ sockets.values.flatMap { $0 } }) { close(fd) }
            lock.withLock { sockets = [:] }
        }
    }
}
