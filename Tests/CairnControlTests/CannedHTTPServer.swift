import Dispatch
import Foundation
import Glibc

/// A tiny Unix-socket server that answers each connection with the next canned response.
///
/// It is a test double for the *client*: the daemon's real HTTP server is tested on its own.
/// Each accepted connection has its request read (head plus Content-Length body) and recorded,
/// then gets the next canned bytes and is closed. A `nil` response means "accept, read, and say
/// nothing until the client hangs up" (to test timeouts). With `conversations`, a connection
/// answers several requests in turn (keep-alive) before it is closed.
///
/// Only the serving thread closes descriptors: closing the listener from another thread could
/// let a late `accept` run on a reused descriptor number, stealing another test's connection.
final class CannedHTTPServer: @unchecked Sendable {
    let directory: String
    let socketPath: String
    private let listener: Int32
    private let lock = NSLock()
    private var recorded: [String] = []
    private var conversations: [[[UInt8]]?]
    private var closedCount = 0
    private let finished = DispatchSemaphore(value: 0)

    /// Starts serving `responses`, one per connection, on a socket in a new temporary directory.
    convenience init(responses: [[UInt8]?]) throws {
        try self.init(conversations: responses.map { $0.map { [$0] } })
    }

    /// Starts serving: each connection gets one conversation, a response per request read in
    /// turn, then is closed (`nil`: read one request and say nothing until the client hangs up).
    init(conversations: [[[UInt8]]?]) throws {
        directory = try makeTemporaryDirectory()
        socketPath = directory + "/s.sock"
        self.conversations = conversations
        listener = socket(AF_UNIX, Int32(SOCK_STREAM.rawValue), 0)
        guard listener >= 0 else { throw POSIXError(.EIO) }
        var address = sockaddr_un()
        address.sun_family = sa_family_t(AF_UNIX)
        let bytes = Array(socketPath.utf8)
        withUnsafeMutableBytes(of: &address.sun_path) { $0.copyBytes(from: bytes + [0]) }
        let bound = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                bind(listener, $0, socklen_t(MemoryLayout<sockaddr_un>.size))
            }
        }
        guard bound == 0, listen(listener, 8) == 0 else { throw POSIXError(.EADDRINUSE) }
        let thread = Thread { [self] in serve() }
        thread.start()
    }

    convenience init(texts: [String]) throws {
        try self.init(responses: texts.map { Array($0.utf8) })
    }

    /// Stops accepting (shutdown wakes a blocked accept), waits for the thread, removes the directory.
    func stop() {
        shutdown(listener, Int32(SHUT_RDWR))
        _ = finished.wait(timeout: .now() + 10)
        try? FileManager.default.removeItem(atPath: directory)
    }

    /// The requests received so far, head and body as text.
    var requests: [String] {
        lock.withLock { recorded }
    }

    /// The connections served and closed so far.
    var closed: Int {
        lock.withLock { closedCount }
    }

    private func serve() {
        defer {
            close(listener)
            finished.signal()
        }
        while true {
            let next: [[UInt8]]?? = lock.withLock { conversations.isEmpty ? nil : conversations.removeFirst() }
            guard let conversation = next else { return }
            let connection = accept(listener, nil, nil)
            if connection < 0 { return }
            guard let conversation else {
                let request = readRequest(connection)
                lock.withLock { recorded.append(request) }
                var scratch = [UInt8](repeating: 0, count: 256)
                while recv(connection, &scratch, scratch.count, 0) > 0 {}
                close(connection)
                lock.withLock { closedCount += 1 }
                continue
            }
            for response in conversation {
                let request = readRequest(connection)
                lock.withLock { recorded.append(request) }
                var offset = 0
                while offset < response.count {
                    let sent = response.withUnsafeBytes {
                        send(connection, $0.baseAddress! + offset, $0.count - offset, Int32(MSG_NOSIGNAL))
                    }
                    if sent <= 0 { break }
                    offset += sent
                }
            }
            close(connection)
            lock.withLock { closedCount += 1 }
        }
    }

    private func readRequest(_ fd: Int32) -> String {
        var data: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 4096)
        while true {
            let text = String(decoding: data, as: UTF8.self)
            if let range = text.range(of: "\r\n\r\n") {
                let head = text[..<range.lowerBound].lowercased()
                let length =
                    head.components(separatedBy: "\r\n")
                    .first { $0.hasPrefix("content-length:") }
                    .flatMap { Int($0.dropFirst("content-length:".count).trimmingCharacters(in: .whitespaces)) } ?? 0
                if text.utf8.distance(from: text.utf8.startIndex, to: range.upperBound) + length <= data.count {
                    return text
                }
            }
            let count = recv(fd, &buffer, buffer.count, 0)
            if count <= 0 { return String(decoding: data, as: UTF8.self) }
            data += buffer[..<count]
        }
    }
}

/// A new, empty, short-pathed directory (socket paths must stay under 108 bytes).
func makeTemporaryDirectory() throws -> String {
    let path = "/tmp/cairn-ct-" + UUID().uuidString.prefix(8).lowercased()
    try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: false)
    return path
}

/// An HTTP response with a Content-Length body; `keepAlive` leaves out `Connection: close`.
func httpResponse(_ status: Int, _ reason: String, body: String, extraHeaders: [String] = [], keepAlive: Bool = false) -> String {
    var text = "HTTP/1.1 \(status) \(reason)\r\nContent-Type: application/json\r\n"
    for header in extraHeaders { text += header + "\r\n" }
    text += "Content-Length: \(body.utf8.count)\r\n" + (keepAlive ? "" : "Connection: close\r\n") + "\r\n" + body
    return text
}
