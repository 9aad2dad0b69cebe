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
    /// daemon closes it, until `stop()`.
    final class Holder: @unchecked Sendable {
        // @unchecked: every mutable property is guarded by `lock` (`failure` is written by the
        // holder's thread only, and read after `stop()` has waited for it).
        private let source: String
        private let ports: [UInt16]
        private let count: Int
        private let lock = NSLock()
        private var running = true
        private var thread: Thread?
        private let finished = DispatchSemaphore(value: 0)
        private var sockets: [(fd: Int32, port: UInt16)] = []
        private var opened = 0
        /// Connections opened, the first `count` per port included.
        var connections: Int { lock.withLock { opened } }
        private(set) var failure: String?

        /// Holds `count` connections on each of `ports`.
        init(count: Int, from source: String, to ports: [UInt16]) {
            self.source = source
            self.ports = ports
            self.count = count
            let thread = Thread { [self] in run() }
            self.thread = thread
            thread.start()
        }

        /// Connections held now (open on our side).
        var held: Int { lock.withLock { sockets.count } }

        private var isRunning: Bool { lock.withLock { running } }

        private func run() {
            defer { finished.signal() }
            do {
                while isRunning {
                    var current = lock.withLock { sockets }
                    // Open what is missing on each port (all of it at first, and again while a
                    // daemon restarts and refuses connections).
                    for port in ports {
                        let missing = count - current.filter { $0.port == port }.count
                        for _ in 0..<max(0, missing) {
                            guard isRunning, let fd = try StrangerFlood.connect(from: source, to: port) else { break }
                            current.append((fd, port))
                            lock.withLock { opened += 1 }
                        }
                    }
                    lock.withLock { sockets = current }
                    var polls = current.map { pollfd(fd: $0.fd, events: Int16(POLLIN), revents: 0) }
                    _ = poll(&polls, nfds_t(polls.count), 20)
                    // Readable means closed by the daemon (it never sends a stranger a byte before
                    // a ClientHello), or an error: either way, it is closed here and reopened.
                    var kept: [(fd: Int32, port: UInt16)] = []
                    for (index, entry) in current.enumerated() {
                        if polls[index].revents != 0 { close(entry.fd) } else { kept.append(entry) }
                    }
                    lock.withLock { sockets = kept }
                }
            } catch {
                failure = "\(error)"
            }
        }

        /// Stops reopening and closes every connection (once; later calls do nothing).
        func stop() {
            let wasRunning = lock.withLock {
                defer { running = false }
                return running
            }
            guard wasRunning else { return }
            finished.wait()
            for entry in lock.withLock({ sockets }) { close(entry.fd) }
            lock.withLock { sockets = [] }
        }
    }
}
