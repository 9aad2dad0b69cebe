import Foundation

/// A blocking client of the control API over the daemon's Unix socket.
///
/// Each call sends one HTTP/1.1 request and reads one response within the timeout. A plain
/// client opens a connection per call and asks for its close (`Connection: close`): nothing to
/// clean up. One made with `keepingAlive()` keeps its connection open between calls (HTTP/1.1
/// keep-alive), for callers that send several requests: a command that reads then writes, a
/// progress line that polls, a load generator; no pool, no event loop.
public struct ControlClient: Sendable {
    /// The socket used when neither `--socket` nor `$CAIRN_SOCKET` names one.
    public static let systemSocketPath = "/run/cairn/cairnd.sock"

    /// The socket this client connects to.
    public let socketPath: String
    /// How long one call may take, connect to last byte, in seconds.
    public let timeout: Double
    /// The connection kept between calls, for a client made by `keepingAlive()`.
    let kept: KeptConnection?

    /// Creates a client for the socket at `socketPath`; nothing is connected until a call.
    public init(socketPath: String, timeout: Double = 30) {
        self.socketPath = socketPath
        self.timeout = timeout
        self.kept = nil
    }

    private init(socketPath: String, timeout: Double, kept: KeptConnection) {
        self.socketPath = socketPath
        self.timeout = timeout
        self.kept = kept
    }

    /// This client, keeping one connection open between its calls (HTTP/1.1 keep-alive) instead
    /// of opening one per call. Copies share the connection; calls made at the same time from
    /// several threads each use their own.
    public func keepingAlive() -> ControlClient {
        kept == nil ? ControlClient(socketPath: socketPath, timeout: timeout, kept: KeptConnection()) : self
    }

    /// The socket to use by default: `$CAIRN_SOCKET` when set and not empty, else the system socket.
    public static func defaultSocketPath(
        environment: [String: String] = ProcessInfo.processInfo.environment
    ) -> String {
        if let path = environment["CAIRN_SOCKET"], !path.isEmpty { return path }
        return systemSocketPath
    }

    /// Sends one request and returns the raw response, whatever its status.
    ///
    /// `path` is the request target as sent (already percent-encoded, see `ControlPath`);
    /// `body`, when present, is sent as `application/json`; `headers` are added as they are.
    public func send(
        method: String, path: String, body: Data? = nil, headers: [(String, String)] = []
    ) throws(ControlClientError) -> ControlResponse {
        if let kept {
            return try kept.send(
                Self.request(method: method, path: path, body: body, headers: headers, keepAlive: true),
                socketPath: socketPath, timeout: timeout)
        }
        let connection = try UnixSocketConnection(path: socketPath, timeout: timeout)
        try connection.writeAll(Self.request(method: method, path: path, body: body, headers: headers))
        return try Self.readResponse(from: connection).response
    }

    /// Reads one response; `reusable` tells whether the connection may carry another request.
    static func readResponse(
        from connection: borrowing UnixSocketConnection
    ) throws(ControlClientError) -> (response: ControlResponse, reusable: Bool) {
        var parser = HTTPResponseParser()
        var buffer = [UInt8](repeating: 0, count: 64 * 1024)
        while !parser.isComplete {
            let count = try connection.read(into: &buffer)
            if count == 0 { return (try parser.finish(), false) }
            try parser.feed(buffer[..<count])
        }
        return (try parser.finish(), parser.connectionReusable)
    }

    /// The bytes of one request; `keepAlive` asks the daemon to keep the connection open after
    /// its response, else to close it.
    static func request(
        method: String, path: String, body: Data?, headers: [(String, String)] = [], keepAlive: Bool = false
    ) -> [UInt8] {
        var head = "\(method) \(path) HTTP/1.1\r\n"
        head += "Host: localhost\r\n"
        head += "User-Agent: cairn/0.1\r\n"
        head += "Accept: application/json\r\n"
        head += keepAlive ? "Connection: keep-alive\r\n" : "Connection: close\r\n"
        for (name, value) in headers { head += "\(name): \(value)\r\n" }
        if let body {
            head += "Content-Type: application/json\r\n"
            head += "Content-Length: \(body.count)\r\n"
        } else if method != "GET" && method != "HEAD" {
            head += "Content-Length: 0\r\n"
        }
        head += "\r\n"
        return Array(head.utf8) + (body.map { Array($0) } ?? [])
    }

    /// Sends a request, and decodes a 2xx body as `T` or turns anything else into `.refused`.
    func call<T: Decodable>(
        _ type: T.Type, method: String, path: String, body: Data? = nil, headers: [(String, String)] = []
    ) throws(ControlClientError) -> (T, ControlResponse) {
        let response = try send(method: method, path: path, body: body, headers: headers)
        guard response.isSuccess else { throw response.refusal() }
        return (try response.decode(T.self), response)
    }
}
