import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// A TCP echo server on loopback, the far end for measuring the proxy itself (`cairn-thinlink
/// selftest`) and for its tests: it writes back every byte it reads, in order, and closes its
/// side once the client has closed its own (so a client sees its FIN come back after its data).
public final class EchoServer: @unchecked Sendable {
    // @unchecked: `stopped` and `open` are guarded by `lock`; the listener is fixed.
    public let port: UInt16
    private let listener: Int32
    private let lock = NSLock()
    private var stopped = false
    private var open: Set<Int32> = []

    public init() throws {
        (listener, port) = try Sockets.listen(host: "127.0.0.1", port: 0)
        Thread.detachNewThread { [self] in acceptLoop() }
    }

    public func stop() {
        let sockets = lock.withLock {
            stopped = true
            return open
        }
        shutdown(listener, Int32(SHUT_RDWR))
        for fd in sockets { shutdown(fd, Int32(SHUT_RDWR)) }
    }

    private func acceptLoop() {
        defer { close(listener) }
        while !lock.withLock({ stopped }) {
            let fd = accept(listener, nil, nil)
            guard fd >= 0 else {
                if errno == EINTR || errno == ECONNABORTED { continue }
                return
            }
            Sockets.noDelay(fd)
            lock.withLock { _ = open.insert(fd) }
            Thread.detachNewThread { [self] in
                echo(fd)
                lock.withLock { _ = open.remove(fd) }
                close(fd)
            }
        }
    }

    private func echo(_ fd: Int32) {
        var buffer = [UInt8](repeating: 0, count: 16 * 1024)
        while true {
            let count = recv(fd, &buffer, buffer.count, 0)
            if count < 0 && errno == EINTR { continue }
            guard count > 0 else { break }
            guard buffer.withUnsafeBytes({ Sockets.sendAll(fd, UnsafeRawBufferPointer(rebasing: $0[0..<count])) }) else { return }
        }
        shutdown(fd, Int32(SHUT_WR))
    }
}
