import Foundation

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// One blocking stream connection to a Unix socket, with a deadline on every operation.
///
/// Plain POSIX calls keep the CLI free of an event loop: it makes one request and waits for one
/// answer. Writes use `send(…, MSG_NOSIGNAL)` where available so that a daemon closing early
/// yields an error, not a SIGPIPE that kills the CLI.
struct UnixSocketConnection: ~Copyable {
    /// The longest path `sockaddr_un` holds, leaving room for the terminating NUL.
    static let maxPathBytes = MemoryLayout.size(ofValue: sockaddr_un().sun_path) - 1

    private let descriptor: Int32
    private let path: String
    private var deadline: Date
    private let timeout: Double

    /// Connects to the socket at `path`; every later operation must finish within `timeout` seconds.
    init(path: String, timeout: Double) throws(ControlClientError) {
        let deadline = Date(timeIntervalSinceNow: timeout)
        var address = try Self.address(for: path)
        #if canImport(Darwin)
            let fd = socket(AF_UNIX, SOCK_STREAM, 0)
        #else
            let fd = socket(AF_UNIX, Int32(SOCK_STREAM.rawValue | SOCK_CLOEXEC.rawValue), 0)
        #endif
        guard fd >= 0 else {
            throw .unreachable(socket: path, reason: "cannot create a socket: \(Self.errorText(errno))")
        }
        do {
            try Self.connect(fd, to: &address, path: path, timeout: timeout)
        } catch {
            close(fd)
            throw error
        }
        // From here on, deinit closes the descriptor.
        self.descriptor = fd
        self.path = path
        self.timeout = timeout
        self.deadline = deadline
    }

    private static func connect(
        _ fd: Int32, to address: inout sockaddr_un, path: String, timeout: Double
    ) throws(ControlClientError) {
        #if canImport(Darwin)
            var one: Int32 = 1
            setsockopt(fd, SOL_SOCKET, SO_NOSIGPIPE, &one, socklen_t(MemoryLayout<Int32>.size))
        #endif
        // A blocking connect to a Unix socket whose backlog is full waits; SO_SNDTIMEO bounds it.
        var limit = Self.timeval(seconds: timeout)
        setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &limit, socklen_t(MemoryLayout<timeval>.size))
        let result = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                #if canImport(Darwin)
                    Darwin.connect(fd, $0, socklen_t(MemoryLayout<sockaddr_un>.size))
                #else
                    Glibc.connect(fd, $0, socklen_t(MemoryLayout<sockaddr_un>.size))
                #endif
            }
        }
        if result != 0 {
            let code = errno
            if code == EAGAIN || code == EWOULDBLOCK || code == ETIMEDOUT || code == EINPROGRESS {
                throw .timedOut(socket: path, seconds: timeout)
            }
            throw .unreachable(socket: path, reason: Self.connectFailure(code))
        }
    }

    deinit {
        close(descriptor)
    }

    /// Gives the next request on a kept connection the whole timeout again.
    mutating func renewDeadline() {
        deadline = Date(timeIntervalSinceNow: timeout)
    }

    /// Whether a kept connection can carry another request: nothing is waiting to be read on
    /// it. Between two requests the daemon sends nothing, so anything readable is its close (an
    /// idle timeout, a restart) or bytes that belong to no request: either way, not reusable.
    var isIdle: Bool {
        var entry = pollfd(fd: descriptor, events: Int16(POLLIN), revents: 0)
        return poll(&entry, 1, 0) == 0
    }

    /// Writes all of `bytes`, or throws.
    func writeAll(_ bytes: [UInt8]) throws(ControlClientError) {
        var offset = 0
        while offset < bytes.count {
            try waitUntilReady(events: Int16(POLLOUT))
            let written = bytes.withUnsafeBytes { raw in
                #if canImport(Darwin)
                    send(descriptor, raw.baseAddress! + offset, raw.count - offset, 0)
                #else
                    send(descriptor, raw.baseAddress! + offset, raw.count - offset, Int32(MSG_NOSIGNAL))
                #endif
            }
            if written < 0 {
                let code = errno
                if code == EINTR || code == EAGAIN || code == EWOULDBLOCK { continue }
                throw .badResponse(
                    "the daemon closed the connection while the request was sent (\(Self.errorText(code)))")
            }
            offset += written
        }
    }

    /// Reads the next bytes into `buffer`; returns how many, 0 at end of stream.
    func read(into buffer: inout [UInt8]) throws(ControlClientError) -> Int {
        while true {
            try waitUntilReady(events: Int16(POLLIN))
            let count = buffer.withUnsafeMutableBytes { raw in
                recv(descriptor, raw.baseAddress!, raw.count, 0)
            }
            if count >= 0 { return count }
            let code = errno
            if code == EINTR || code == EAGAIN || code == EWOULDBLOCK { continue }
            if code == ECONNRESET { return 0 }
            throw .badResponse("reading the response failed: \(Self.errorText(code))")
        }
    }

    /// Waits until the socket is ready for `events`, or throws `.timedOut` at the deadline.
    private func waitUntilReady(events: Int16) throws(ControlClientError) {
        while true {
            let remaining = deadline.timeIntervalSinceNow
            if remaining <= 0 { throw .timedOut(socket: path, seconds: timeout) }
            var entry = pollfd(fd: descriptor, events: events, revents: 0)
            let milliseconds = Int32(min(remaining * 1000, Double(Int32.max)).rounded(.up))
            let ready = poll(&entry, 1, milliseconds)
            if ready > 0 { return }
            if ready == 0 { throw .timedOut(socket: path, seconds: timeout) }
            let code = errno
            if code != EINTR { throw .badResponse("waiting for the daemon failed: \(Self.errorText(code))") }
        }
    }

    /// Builds the socket address, refusing paths `sockaddr_un` cannot hold.
    private static func address(for path: String) throws(ControlClientError) -> sockaddr_un {
        let bytes = Array(path.utf8)
        if bytes.isEmpty { throw .invalidSocketPath(path: path, reason: "the path is empty") }
        if bytes.contains(0) { throw .invalidSocketPath(path: path, reason: "the path contains a NUL byte") }
        if bytes.count > maxPathBytes {
            throw .invalidSocketPath(
                path: path,
                reason: "it is \(bytes.count) bytes long and a Unix socket path may have at most \(maxPathBytes); "
                    + "use a shorter directory")
        }
        var address = sockaddr_un()
        address.sun_family = sa_family_t(AF_UNIX)
        withUnsafeMutableBytes(of: &address.sun_path) { raw in
            raw.copyBytes(from: bytes)
            raw[bytes.count] = 0
        }
        return address
    }

    /// Explains a failed `connect` in terms of the daemon, not the system call.
    private static func connectFailure(_ code: Int32) -> String {
        switch code {
        case ENOENT:
            return "no socket exists there, so cairnd is not running (or uses another socket); "
                + "start it, or pass --socket / set CAIRN_SOCKET to the right path"
        case ECONNREFUSED:
            return "nothing is listening on the socket, so cairnd is not running "
                + "(the socket file is stale) or is not accepting connections; start or restart it"
        case EACCES, EPERM:
            return "permission denied; your user may not open the socket: "
                + "ask an administrator for membership of the daemon's group"
        case ENOTDIR:
            return "a component of the path is not a directory; check --socket / CAIRN_SOCKET"
        default:
            return "connect failed: \(errorText(code))"
        }
    }

    private static func timeval(seconds: Double) -> timeval {
        let whole = max(0, seconds.rounded(.down))
        let micros = max(0, (seconds - whole) * 1_000_000)
        #if canImport(Darwin)
            return Darwin.timeval(tv_sec: Int(whole), tv_usec: Int32(micros))
        #else
            return Glibc.timeval(tv_sec: Int(whole), tv_usec: Int(micros))
        #endif
    }

    static func errorText(_ code: Int32) -> String {
        String(cString: strerror(code))
    }
}
