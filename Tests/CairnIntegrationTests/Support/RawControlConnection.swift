import Foundation

/// A control-socket client that sends exactly the bytes it is given (half a request, a head
/// without its body) and reports what came back and when the daemon closed the connection.
final class RawControlConnection {
    private let fd: Int32
    private let opened = Date()

    init(socket path: String) throws {
        fd = Glibc.socket(AF_UNIX, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { throw TestFailure("socket: \(String(cString: strerror(errno)))") }
        var address = sockaddr_un()
        address.sun_family = sa_family_t(AF_UNIX)
        withUnsafeMutableBytes(of: &address.sun_path) { $0.copyBytes(from: Array(path.utf8)) }
        let result = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_un>.size)) }
        }
        guard result == 0 else {
            close(fd)
            throw TestFailure("connect \(path): \(String(cString: strerror(errno)))")
        }
    }

    deinit { close(fd) }

    func send(_ text: String) {
        _ = Array(text.utf8).withUnsafeBytes { write(fd, $0.baseAddress, $0.count) }
    }

    /// Reads until the daemon closes the connection or `timeout` passes: what arrived, whether
    /// it was closed, and the seconds from connecting to the close (or to the timeout).
    func readUntilClosed(timeout: TimeInterval) -> (text: String, closed: Bool, seconds: TimeInterval) {
        var received: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 4096)
        let deadline = Date().addingTimeInterval(timeout)
        while Date() < deadline {
            var entry = pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
            guard poll(&entry, 1, 50) > 0 else { continue }
            let count = buffer.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
            if count <= 0 { return (String(decoding: received, as: UTF8.self), true, Date().timeIntervalSince(opened)) }
            received += buffer[0..<count]
        }
        return (String(decoding: received, as: UTF8.self), false, Date().timeIntervalSince(opened))
    }
}

/// `cairn-flood` run as another uid (`setpriv`), holding many half-sent requests against a
/// daemon: its `ready` line once every connection is made, and its summary when it ends.
final class FloodProcess {
    private let process = Process()
    private let output: String
    private let binDirectory: String

    /// Gives `uid` the way to the socket (the site directory traversable, the socket 0666, as
    /// in production the socket's group would) and starts the flood.
    init(site: SiteDirectory, uid: UInt32, connections: Int, send: String, hold: TimeInterval, launcher: [String] = []) throws {
        chmod(site.path, 0o711)
        chmod(site.socket, 0o666)
        binDirectory = "/tmp/cairn-it-bin-" + UUID().uuidString.prefix(8).lowercased()
        try FileManager.default.createDirectory(atPath: binDirectory, withIntermediateDirectories: false, attributes: [.posixPermissions: 0o755])
        try FileManager.default.copyItem(atPath: Binaries.flood, toPath: binDirectory + "/cairn-flood")
        output = site.path + "/flood-\(UUID().uuidString.prefix(6)).out"
        _ = FileManager.default.createFile(atPath: output, contents: nil)
        let command =
            launcher + ["/usr/bin/setpriv", "--reuid=\(uid)", "--regid=\(uid)", "--clear-groups", binDirectory + "/cairn-flood"]
            + ["--socket", site.socket, "--connections", "\(connections)", "--send", send, "--hold", "\(hold)"]
        process.executableURL = URL(fileURLWithPath: command[0])
        process.arguments = Array(command.dropFirst())
        process.standardOutput = try FileHandle(forWritingTo: URL(fileURLWithPath: output))
        process.standardError = process.standardOutput
        try process.run()
    }

    deinit {
        if process.isRunning { kill(process.processIdentifier, SIGKILL) }
        try? FileManager.default.removeItem(atPath: binDirectory)
    }

    private func line(startingWith prefix: String, timeout: TimeInterval) throws -> String {
        let deadline = Date().addingTimeInterval(timeout)
        while Date() < deadline {
            let text = (try? String(contentsOfFile: output, encoding: .utf8)) ?? ""
            if let line = text.split(separator: "\n").first(where: { $0.hasPrefix(prefix) }) { return String(line) }
            if !process.isRunning && !text.contains(prefix) {
                throw TestFailure("cairn-flood ended without a \(prefix) line: \(text)")
            }
            usleep(20_000)
        }
        throw TestFailure("cairn-flood printed no \(prefix) line within \(timeout) s")
    }

    /// The `ready` line's fields (`connected`, `refused_at_connect`, `ms`).
    func ready(timeout: TimeInterval = 60) throws -> [String: String] {
        Self.fields(try line(startingWith: "ready", timeout: timeout))
    }

    /// The summary's fields (`open`, `closed`, `first_status`, `first_reply_ms_max`, …).
    func summary(timeout: TimeInterval = 60) throws -> [String: String] {
        Self.fields(try line(startingWith: "open=", timeout: timeout))
    }

    static func fields(_ line: String) -> [String: String] {
        var fields: [String: String] = [:]
        for part in line.split(separator: " ") {
            let pair = part.split(separator: "=", maxSplits: 1)
            if pair.count == 2 { fields[String(pair[0])] = String(pair[1]) }
        }
        return fields
    }
}
