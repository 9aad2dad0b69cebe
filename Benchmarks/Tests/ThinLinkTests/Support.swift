import Foundation
import Testing

@testable import ThinLink

#if canImport(Glibc)
    import Glibc
#endif

/// Waits (at most 10 s) until the proxy's figures satisfy `condition`, and returns them.
func waitFor(_ proxy: ThinLinkProxy, _ condition: (LinkStats.Snapshot) -> Bool) -> LinkStats.Snapshot {
    let deadline = monotonicNow() + 10
    while monotonicNow() < deadline {
        let stats = proxy.stats.snapshot
        if condition(stats) { return stats }
        usleep(10_000)
    }
    Issue.record("the proxy's figures did not get there: \(proxy.stats.snapshot)")
    return proxy.stats.snapshot
}

/// Runs `body` on `count` threads at once; the results in the order of `n`, or the first
/// failure rethrown.
func concurrently<T: Sendable>(_ count: Int, _ body: @escaping @Sendable (Int) throws -> T) throws -> [T] {
    let results = ResultBox<T>()
    let group = DispatchGroup()
    for n in 0..<count {
        group.enter()
        Thread.detachNewThread {
            defer { group.leave() }
            results.add(Result { try body(n) }, at: n)
        }
    }
    group.wait()
    return try results.all.map { try $0.get() }
}

final class ResultBox<T: Sendable>: @unchecked Sendable {
    // @unchecked: `results` is guarded by `lock`.
    private let lock = NSLock()
    private var results: [Int: Result<T, any Error>] = [:]
    func add(_ result: Result<T, any Error>, at index: Int) { lock.withLock { results[index] = result } }
    var all: [Result<T, any Error>] { lock.withLock { results.sorted { $0.key < $1.key }.map(\.value) } }
}

struct TestFailure: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}

/// Both ends of one connection through a proxy, held by the test itself: `client` dialled the
/// proxy, `server` is what the proxy's upstream listener accepted. Each end's reads time out
/// after 10 s, so a test that waits for bytes that never come fails instead of hanging.
struct LinkedPair: Sendable {
    let proxy: ThinLinkProxy
    let client: Int32
    let server: Int32

    init(_ settings: ThinLinkProxy.Settings) throws {
        let (listener, port) = try Sockets.listen(host: "127.0.0.1", port: 0)
        defer { Glibc.close(listener) }
        proxy = try ThinLinkProxy(port: 0, upstreamHost: "127.0.0.1", upstreamPort: port, settings: settings)
        guard let client = Sockets.connect(host: "127.0.0.1", port: proxy.port) else {
            proxy.stop()
            throw TestFailure("cannot dial the proxy")
        }
        Self.timeOutReads(listener)
        let server = accept(listener, nil, nil)
        guard server >= 0 else {
            Glibc.close(client)
            proxy.stop()
            throw TestFailure("the proxy did not connect upstream")
        }
        Self.timeOutReads(client)
        Self.timeOutReads(server)
        self.client = client
        self.server = server
    }

    func close() {
        Glibc.close(client)
        Glibc.close(server)
        proxy.stop()
    }

    private static func timeOutReads(_ fd: Int32) {
        var timeout = timeval(tv_sec: 10, tv_usec: 0)
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
    }
}

/// What one end read: the bytes, when the first and the last arrived, and when the stream
/// ended (nil: it did not end, the read timed out or failed).
struct Arrival: Sendable {
    var bytes: [UInt8] = []
    var firstAt: Double?
    var lastAt: Double?
    var endedAt: Double?
    var failed = false

    /// Whether exactly `sent` arrived (a Bool, so that a failure does not print both arrays).
    func matches(_ sent: [UInt8]) -> Bool { bytes == sent }
}

/// Reads until `count` bytes have come (or, with `count` nil, until the stream ends).
func receive(_ fd: Int32, count: Int? = nil) -> Arrival {
    var arrival = Arrival()
    var buffer = [UInt8](repeating: 0, count: 64 * 1024)
    while count.map({ arrival.bytes.count < $0 }) ?? true {
        let wanted = count.map { min(buffer.count, $0 - arrival.bytes.count) } ?? buffer.count
        let read = recv(fd, &buffer, wanted, 0)
        if read < 0 && errno == EINTR { continue }
        let now = monotonicNow()
        if read == 0 {
            arrival.endedAt = now
            break
        }
        guard read > 0 else {
            arrival.failed = true
            break
        }
        arrival.bytes += buffer[0..<read]
        if arrival.firstAt == nil { arrival.firstAt = now }
        arrival.lastAt = now
    }
    return arrival
}

func send(_ fd: Int32, _ bytes: [UInt8]) -> Bool {
    bytes.withUnsafeBytes { Sockets.sendAll(fd, $0) }
}

func pattern(_ count: Int, seed: Int) -> [UInt8] {
    (0..<count).map { UInt8(truncatingIfNeeded: $0 &* 31 &+ seed) }
}

final class Flag: @unchecked Sendable {
    // @unchecked: `value` is guarded by `lock`.
    private let lock = NSLock()
    private var value = false
    func set() { lock.withLock { value = true } }
    var isSet: Bool { lock.withLock { value } }
}
