import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// Measures a link end to end through an `EchoServer` behind it: what the proxy really does,
/// threads and sockets included, against what `LinkShaper` predicts.
public enum LinkProbe {
    public struct Figures: Sendable {
        /// From dialling to the echo of the first byte: the TCP handshake and one round trip.
        public var firstEcho: Double
        public var roundTrips: [Double]
        /// Bytes sent and echoed, checked byte for byte.
        public var bytes: Int
        /// Bytes per second at which the echo arrived, first read to last (both directions
        /// carry the bytes at once, so a link shared between them would show half).
        public var rate: Double
        /// From the first byte sent to the last echoed.
        public var transfer: Double
        /// From closing our side to the echo server's close arriving (a FIN's round trip).
        public var closeRoundTrip: Double

        public var medianRoundTrip: Double {
            let sorted = roundTrips.sorted()
            return sorted.isEmpty ? 0 : sorted[sorted.count / 2]
        }
    }

    public struct Failure: Error, CustomStringConvertible {
        public let description: String
    }

    public static func measure(port: UInt16, bytes: Int, pings: Int) throws -> Figures {
        guard let fd = Sockets.connect(host: "127.0.0.1", port: port) else { throw Failure(description: "cannot connect to the proxy") }
        defer { close(fd) }
        var figures = Figures(firstEcho: 0, roundTrips: [], bytes: bytes, rate: 0, transfer: 0, closeRoundTrip: 0)
        let dialled = monotonicNow()
        try ping(fd)
        figures.firstEcho = monotonicNow() - dialled
        for _ in 0..<pings {
            let sent = monotonicNow()
            try ping(fd)
            figures.roundTrips.append(monotonicNow() - sent)
        }
        let payload = (0..<bytes).map { UInt8(truncatingIfNeeded: $0 % 251) }
        let started = monotonicNow()
        let sender = Thread { _ = payload.withUnsafeBytes { Sockets.sendAll(fd, $0) } }
        sender.start()
        var received = 0
        var first: (at: Double, bytes: Int)?
        var last = started
        var buffer = [UInt8](repeating: 0, count: 64 * 1024)
        while received < bytes {
            let count = recv(fd, &buffer, min(buffer.count, bytes - received), 0)
            if count < 0 && errno == EINTR { continue }
            guard count > 0 else { throw Failure(description: "the echo ended after \(received) of \(bytes) bytes") }
            guard buffer[0..<count].elementsEqual(payload[received..<(received + count)]) else {
                throw Failure(description: "the echo differs from what was sent within bytes \(received)..<\(received + count)")
            }
            last = monotonicNow()
            if first == nil { first = (last, count) }
            received += count
        }
        figures.transfer = last - started
        if let first, last > first.at { figures.rate = Double(bytes - first.bytes) / (last - first.at) }
        let closing = monotonicNow()
        shutdown(fd, Int32(SHUT_WR))
        var byte: UInt8 = 0
        guard recv(fd, &byte, 1, 0) == 0 else { throw Failure(description: "bytes after the echo, where its close was expected") }
        figures.closeRoundTrip = monotonicNow() - closing
        return figures
    }

    private static func ping(_ fd: Int32) throws {
        var byte: UInt8 = 0x2a
        guard send(fd, &byte, 1, Int32(MSG_NOSIGNAL)) == 1 else { throw Failure(description: "cannot send a ping") }
        var answer: UInt8 = 0
        var count = 0
        repeat { count = recv(fd, &answer, 1, 0) } while count < 0 && errno == EINTR
        guard count == 1, answer == 0x2a else { throw Failure(description: "no echo of a ping") }
    }
}
