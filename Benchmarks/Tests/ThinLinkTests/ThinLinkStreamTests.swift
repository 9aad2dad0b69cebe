import Foundation
import Testing

@testable import ThinLink

#if canImport(Glibc)
    import Glibc
#endif

/// The proxy between two sockets the test holds itself: each direction shaped on its own, the
/// delay added once per direction, half-closes, closes and resets passed on, and a fast sender
/// held back rather than buffered. Arrival times are bounded below by the model exactly (the
/// proxy is never early) and above with room for a loaded 2-core machine; where a wrong model
/// would land (a delay added twice, directions sharing one rate) is outside that room.
@Suite(.serialized) struct ThinLinkStreamTests {
    func link(bits: Int, delay: Double, handshake: Bool = false, queueBytes: Int = 64 * 1024) -> ThinLinkProxy.Settings {
        var settings = ThinLinkProxy.Settings()
        settings.upBitsPerSecond = bits
        settings.downBitsPerSecond = bits
        settings.delaySeconds = delay
        settings.emulateTCPHandshake = handshake
        settings.queueLimitBytes = queueBytes
        return settings
    }

    /// 8,000 bytes each way at once over 64 kbit/s and 500 ms: each direction takes 1 s to send
    /// its bytes and arrives 500 ms later, so both are done at 1.5 s. One shared rate would
    /// need 2.5 s; a delay added twice, 2 s.
    @Test func eachDirectionCarries8000BytesInOneSecondPlusOneDelay() throws {
        let pair = try LinkedPair(link(bits: 64_000, delay: 0.5))
        defer { pair.close() }
        let up = pattern(8000, seed: 1)
        let down = pattern(8000, seed: 2)
        let start = monotonicNow()
        let arrivals = try concurrently(2) { side -> Arrival in
            let (from, to, bytes) = side == 0 ? (pair.client, pair.server, up) : (pair.server, pair.client, down)
            guard send(from, bytes) else { throw TestFailure("cannot send") }
            return receive(to, count: bytes.count)
        }
        for arrival in arrivals {
            let first = try #require(arrival.firstAt) - start
            let last = try #require(arrival.lastAt) - start
            // The first packet: at most 1,448 bytes (181 ms) on the air, then the delay once.
            #expect(first >= 0.5 && first < 0.5 + 0.181 + 0.3, "first packet after \(first) s")
            #expect(last >= 1.5 && last < 1.5 + 0.45, "8,000 bytes after \(last) s")
        }
        #expect(arrivals.count == 2 && arrivals[0].matches(up) && arrivals[1].matches(down))
        let stats = pair.proxy.stats.snapshot
        #expect(stats.bytesUp == 8000 && stats.bytesDown == 8000)
    }

    /// A client that sends and then closes its side (FIN) still reads the answer: the FIN
    /// reaches the server after the bytes and a delay, and the other direction stays open.
    @Test func aHalfCloseFollowsTheBytesAndLeavesTheOtherDirectionOpen() throws {
        let pair = try LinkedPair(link(bits: 8_000_000, delay: 0.2, handshake: true))
        defer { pair.close() }
        let request = pattern(50_000, seed: 3)
        let reply = pattern(30_000, seed: 4)
        guard send(pair.client, request) else { throw TestFailure("cannot send") }
        let closedAt = monotonicNow()
        shutdown(pair.client, Int32(SHUT_WR))
        let atServer = receive(pair.server)
        #expect(atServer.matches(request))
        let ended = try #require(atServer.endedAt, "the server did not see the client's FIN")
        let lastByte = try #require(atServer.lastAt)
        #expect(ended >= lastByte)
        #expect(ended - closedAt >= 0.2 && ended - closedAt < 0.2 + 0.5, "FIN after \(ended - closedAt) s")
        // The server answers after the FIN, then closes its side too.
        guard send(pair.server, reply) else { throw TestFailure("the server cannot answer after the client's FIN") }
        let answeredAt = monotonicNow()
        shutdown(pair.server, Int32(SHUT_WR))
        let atClient = receive(pair.client)
        #expect(atClient.matches(reply))
        let replyFirst = try #require(atClient.firstAt)
        #expect(replyFirst - answeredAt >= 0.2, "the answer arrived \(replyFirst - answeredAt) s after it was sent")
        #expect(atClient.endedAt != nil, "the server's FIN did not reach the client")
        let stats = waitFor(pair.proxy) { $0.open == 0 }
        #expect(stats.bytesUp == 50_000 && stats.bytesDown == 30_000)
    }

    /// A server that writes and closes at once: the client reads every byte, then the end of
    /// the stream, no sooner than a delay after the close.
    @Test func aCloseReachesTheOtherSideAfterItsBytes() throws {
        let pair = try LinkedPair(link(bits: 8_000_000, delay: 0.2))
        defer { pair.close() }
        let bytes = pattern(20_000, seed: 5)
        guard send(pair.server, bytes) else { throw TestFailure("cannot send") }
        let closedAt = monotonicNow()
        close(pair.server)
        let atClient = receive(pair.client)
        #expect(atClient.matches(bytes))
        let ended = try #require(atClient.endedAt, "the close did not reach the client")
        #expect(ended - closedAt >= 0.2 && ended - closedAt < 0.2 + 0.5, "end of stream after \(ended - closedAt) s")
        close(pair.client)
        #expect(waitFor(pair.proxy) { $0.open == 0 }.open == 0)
    }

    /// A reset ends the other side's connection at once, without waiting for the link.
    @Test func aResetEndsTheConnectionAtOnce() throws {
        let pair = try LinkedPair(link(bits: 64_000, delay: 1.0))
        defer { pair.close() }
        var abort = linger(l_onoff: 1, l_linger: 0)
        setsockopt(pair.server, SOL_SOCKET, SO_LINGER, &abort, socklen_t(MemoryLayout<linger>.size))
        guard send(pair.server, pattern(4000, seed: 6)) else { throw TestFailure("cannot send") }
        usleep(50_000)  // the proxy has read them: they are on the link
        let resetAt = monotonicNow()
        close(pair.server)
        let atClient = receive(pair.client)
        #expect(atClient.endedAt != nil || atClient.failed, "the client's connection did not end")
        #expect(monotonicNow() - resetAt < 0.9, "the end waited for the link's delay")
        #expect(atClient.bytes.isEmpty, "bytes still on the link were delivered after the reset")
        #expect(waitFor(pair.proxy) { $0.open == 0 }.open == 0)
    }

    /// A sender much faster than the link fills the kernel's buffers and then must wait; the
    /// proxy itself holds at most its queue limit and one read.
    @Test func aFastSenderIsHeldBackNotBufferedWithoutLimit() throws {
        let queueBytes = 16 * 1024
        let pair = try LinkedPair(link(bits: 64_000, delay: 0.1, queueBytes: queueBytes))
        defer { pair.close() }
        let flags = fcntl(pair.client, F_GETFL)
        _ = fcntl(pair.client, F_SETFL, flags | O_NONBLOCK)
        let chunk = pattern(64 * 1024, seed: 7)
        var sent = 0
        var blocked = false
        let cap = 64 << 20
        let deadline = monotonicNow() + 5
        while sent < cap && monotonicNow() < deadline {
            let written = chunk.withUnsafeBytes { Glibc.send(pair.client, $0.baseAddress!, $0.count, Int32(MSG_NOSIGNAL)) }
            if written > 0 {
                sent += written
                continue
            }
            if written < 0 && (errno == EAGAIN || errno == EWOULDBLOCK) {
                // Full now; give the proxy time to read anything it still could.
                if blocked { break }
                blocked = true
                usleep(300_000)
                continue
            }
            Issue.record("send failed: \(String(cString: strerror(errno)))")
            break
        }
        #expect(blocked, "\(sent) bytes went in without the sender ever waiting")
        #expect(sent < cap)
        let stats = pair.proxy.stats.snapshot
        let held = stats.readUp - stats.bytesUp
        #expect(held <= queueBytes + LinkConnection.readBytes, "the proxy holds \(held) bytes")
        #expect(stats.readUp < sent, "the proxy read everything (\(stats.readUp) of \(sent))")
    }
}
