import Foundation
import Testing

@testable import ThinLink

#if canImport(Glibc)
    import Glibc
#endif

/// The proxy over real loopback sockets, to an echo server: bytes verbatim and in order, FINs
/// forwarded after the data, the schedule kept, capacity shared, failures passed on.
@Suite(.serialized) struct ThinLinkProxyTests {
    func settings(bits: Int, delayMs: Int) -> ThinLinkProxy.Settings {
        var settings = ThinLinkProxy.Settings()
        settings.upBitsPerSecond = bits
        settings.downBitsPerSecond = bits
        settings.delaySeconds = Double(delayMs) / 1000
        return settings
    }

    @Test func bytesArriveVerbatimAndInOrderAndTheCloseFollowsThem() throws {
        let echo = try EchoServer()
        defer { echo.stop() }
        let proxy = try ThinLinkProxy(port: 0, upstreamHost: "127.0.0.1", upstreamPort: echo.port, settings: settings(bits: 16_000_000, delayMs: 5))
        defer { proxy.stop() }
        // LinkProbe checks every echoed byte against what it sent, and that the echo server's
        // close arrives only after all of them.
        let figures = try LinkProbe.measure(port: proxy.port, bytes: 600_000, pings: 3)
        #expect(figures.bytes == 600_000)
        let stats = waitFor(proxy) { $0.open == 0 }
        #expect(stats.connections == 1)
        #expect(stats.bytesUp == 600_004 && stats.bytesDown == 600_004)
        #expect(stats.readUp == stats.bytesUp && stats.readDown == stats.bytesDown)
    }

    /// Every figure is bounded below by the model exactly (the proxy is never early) and above
    /// with room for a loaded machine.
    @Test func theRateAndTheDelayAreKept() throws {
        let echo = try EchoServer()
        defer { echo.stop() }
        // 50,000 B/s and 60 ms each way: a 100,000-byte echo takes about 2.1 s.
        let link = settings(bits: 400_000, delayMs: 60)
        let proxy = try ThinLinkProxy(port: 0, upstreamHost: "127.0.0.1", upstreamPort: echo.port, settings: link)
        defer { proxy.stop() }
        let figures = try LinkProbe.measure(port: proxy.port, bytes: 100_000, pings: 5)
        // A one-byte round trip: two delays and two 20 µs serialisations.
        let roundTrip = 0.120 + 2 / 50_000.0
        #expect(figures.medianRoundTrip >= roundTrip - 0.001 && figures.medianRoundTrip < roundTrip + 0.1, "round trip \(figures.medianRoundTrip) s")
        // Dialling costs one more round trip (the emulated TCP handshake).
        #expect(figures.firstEcho >= 0.120 + roundTrip - 0.001 && figures.firstEcho < 0.240 + 0.2, "first echo \(figures.firstEcho) s")
        #expect(figures.closeRoundTrip >= 0.120 - 0.001 && figures.closeRoundTrip < 0.120 + 0.1, "close round trip \(figures.closeRoundTrip) s")
        // The bytes at 50,000 B/s on the way out, the last packet at that rate on the way back,
        // and both delays: 2.0 s + at most 29 ms + 120 ms.
        #expect(figures.transfer >= 2.0 + 0.120 - 0.001, "transfer \(figures.transfer) s")
        #expect(figures.transfer < 2.0 + 0.120 + 0.029 + 0.5, "transfer \(figures.transfer) s")
    }

    @Test func connectionsShareTheLinksCapacity() throws {
        let echo = try EchoServer()
        defer { echo.stop() }
        let proxy = try ThinLinkProxy(
            port: 0, upstreamHost: "127.0.0.1", upstreamPort: echo.port, settings: settings(bits: 400_000, delayMs: 10))
        defer { proxy.stop() }
        // Two 40,000-byte echoes at once over a 50,000 B/s link: together they need 1.6 s of
        // it; each alone would take 0.8 s.
        let started = monotonicNow()
        let results = try concurrently(2) { _ in try LinkProbe.measure(port: proxy.port, bytes: 40_000, pings: 0) }
        let elapsed = monotonicNow() - started
        #expect(results.count == 2)
        #expect(elapsed >= 1.6, "two transfers took \(elapsed) s")
        #expect(elapsed < 1.6 + 1.0, "two transfers took \(elapsed) s")
    }

    @Test func manyConnectionsAtOnceEachGetTheirOwnBytes() throws {
        let echo = try EchoServer()
        defer { echo.stop() }
        let proxy = try ThinLinkProxy(
            port: 0, upstreamHost: "127.0.0.1", upstreamPort: echo.port, settings: settings(bits: 40_000_000, delayMs: 2))
        defer { proxy.stop() }
        let results = try concurrently(24) { n in try LinkProbe.measure(port: proxy.port, bytes: 20_000 + n * 997, pings: 1) }
        #expect(results.count == 24)
        let stats = waitFor(proxy) { $0.open == 0 }
        #expect(stats.connections == 24)
        let expected = (0..<24).reduce(0) { $0 + 20_000 + $1 * 997 + 2 }
        #expect(stats.bytesUp == expected && stats.bytesDown == expected)
    }

    @Test func anUnreachableUpstreamClosesTheClientsConnection() throws {
        // A port that was free a moment ago: nothing listens there.
        let (fd, port) = try Sockets.listen(host: "127.0.0.1", port: 0)
        close(fd)
        let proxy = try ThinLinkProxy(port: 0, upstreamHost: "127.0.0.1", upstreamPort: port, settings: settings(bits: 1_000_000, delayMs: 5))
        defer { proxy.stop() }
        let client = try #require(Sockets.connect(host: "127.0.0.1", port: proxy.port))
        defer { close(client) }
        var byte: UInt8 = 0
        var timeout = timeval(tv_sec: 5, tv_usec: 0)
        setsockopt(client, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        let read = recv(client, &byte, 1, 0)
        #expect(read <= 0 && !(read < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)), "the client was not disconnected")
        let stats = waitFor(proxy) { $0.open == 0 }
        #expect(stats.upstreamFailures == 1)
    }

    @Test func connectionsBeyondTheLimitAreRefused() throws {
        let echo = try EchoServer()
        defer { echo.stop() }
        var link = settings(bits: 1_000_000, delayMs: 5)
        link.maxConnections = 2
        let proxy = try ThinLinkProxy(port: 0, upstreamHost: "127.0.0.1", upstreamPort: echo.port, settings: link)
        defer { proxy.stop() }
        let held = try (0..<2).map { _ in try #require(Sockets.connect(host: "127.0.0.1", port: proxy.port)) }
        defer { held.forEach { close($0) } }
        _ = waitFor(proxy) { $0.open == 2 }
        let third = try #require(Sockets.connect(host: "127.0.0.1", port: proxy.port))
        defer { close(third) }
        var byte: UInt8 = 0
        #expect(recv(third, &byte, 1, 0) == 0)
        #expect(waitFor(proxy) { $0.refused == 1 }.connections == 2)
    }
}
