// cairn-flood: holds many connections to a control socket, each with a partial request, and
// reports what the daemon did with them. A test tool (Tests/CairnIntegrationTests/ControlBudget*
// and the figures of Docs/ThreatModel.md), never installed.
//
//   cairn-flood --socket PATH [--connections N] [--send TEXT] [--hold SECONDS]
//
// TEXT is sent on every connection once it is open (`\r` and `\n` escapes are understood; the
// default is half a request head). The tool prints `ready connected=… refused_at_connect=…` once
// every connection is made, then watches them for SECONDS and prints one summary line:
// `open=… closed=… first_status=CODE:COUNT,… first_reply_ms_max=… close_ms_min=… close_ms_max=…`.
// It raises its own open-file limit to the hard limit (use prlimit to raise that).
import Glibc

struct Options {
    var socket = ""
    var connections = 1
    var send = "GET /v1/status HTTP/1.1\r\nHost: cairn\r\n"
    var hold = 5.0
}

func parse() -> Options {
    var options = Options()
    var arguments = CommandLine.arguments.dropFirst().makeIterator()
    while let name = arguments.next() {
        guard let value = arguments.next() else { fail("\(name) needs a value") }
        switch name {
        case "--socket": options.socket = value
        case "--connections": options.connections = Int(value) ?? { fail("--connections needs a number") }()
        case "--hold": options.hold = Double(value) ?? { fail("--hold needs seconds") }()
        case "--send": options.send = value.replacingEscapes()
        default: fail("unknown option \(name)")
        }
    }
    if options.socket.isEmpty { fail("--socket is required") }
    return options
}

func fail(_ message: String) -> Never {
    emit("cairn-flood: \(message)", to: 2)
    exit(2)
}

/// One line to a descriptor, unbuffered (the test reads the output file while this runs).
func emit(_ line: String, to descriptor: Int32 = 1) {
    let bytes = Array((line + "\n").utf8)
    _ = bytes.withUnsafeBytes { write(descriptor, $0.baseAddress, $0.count) }
}

extension String {
    func replacingEscapes() -> String {
        var out = ""
        var escaped = false
        for character in self {
            if escaped {
                switch character {
                case "r": out.append("\r")
                case "n": out.append("\n")
                default: out.append(character)
                }
                escaped = false
            } else if character == "\\" {
                escaped = true
            } else {
                out.append(character)
            }
        }
        return out
    }
}

func milliseconds(since start: timespec) -> Int {
    var now = timespec()
    clock_gettime(CLOCK_MONOTONIC, &now)
    return (now.tv_sec - start.tv_sec) * 1000 + (now.tv_nsec - start.tv_nsec) / 1_000_000
}

func connectOnce(_ path: String) -> Int32 {
    let fd = socket(AF_UNIX, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_NONBLOCK.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
    guard fd >= 0 else { return -errno }
    var address = sockaddr_un()
    address.sun_family = sa_family_t(AF_UNIX)
    withUnsafeMutableBytes(of: &address.sun_path) { $0.copyBytes(from: Array(path.utf8)) }
    // A full backlog answers EAGAIN: wait for the daemon to accept, up to 2 s per connection.
    for _ in 0..<200 {
        let result = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_un>.size)) }
        }
        if result == 0 { return fd }
        if errno != EAGAIN { break }
        usleep(10_000)
    }
    let error = errno
    close(fd)
    return -error
}

struct Connection {
    var fd: Int32
    var status: String?
    var firstReplyMs: Int?
    var closedMs: Int?
}

var limit = rlimit()
getrlimit(Int32(RLIMIT_NOFILE.rawValue), &limit)
limit.rlim_cur = limit.rlim_max
setrlimit(Int32(RLIMIT_NOFILE.rawValue), &limit)

let options = parse()
let request = Array(options.send.utf8)
var start = timespec()
clock_gettime(CLOCK_MONOTONIC, &start)
var connections: [Connection] = []
var refusedAtConnect: [Int32: Int] = [:]
for _ in 0..<options.connections {
    let fd = connectOnce(options.socket)
    guard fd >= 0 else {
        refusedAtConnect[-fd, default: 0] += 1
        if -fd == EMFILE { break }
        continue
    }
    if !request.isEmpty { _ = request.withUnsafeBytes { write(fd, $0.baseAddress, $0.count) } }
    connections.append(Connection(fd: fd))
}
let refusedText = refusedAtConnect.map { "\(String(cString: strerror($0.key))):\($0.value)" }.joined(separator: ",")
emit("ready connected=\(connections.count) refused_at_connect=\(refusedText.isEmpty ? "0" : refusedText) ms=\(milliseconds(since: start))")

var buffer = [UInt8](repeating: 0, count: 4096)
let holdMs = Int(options.hold * 1000)
while milliseconds(since: start) < holdMs {
    var polls = connections.filter { $0.closedMs == nil }.map { pollfd(fd: $0.fd, events: Int16(POLLIN), revents: 0) }
    if polls.isEmpty { break }
    _ = poll(&polls, nfds_t(polls.count), 100)
    var ready: Set<Int32> = []
    for entry in polls where entry.revents != 0 { ready.insert(entry.fd) }
    guard !ready.isEmpty else { continue }
    for index in connections.indices where ready.contains(connections[index].fd) {
        let count = buffer.withUnsafeMutableBytes { read(connections[index].fd, $0.baseAddress, $0.count) }
        let now = milliseconds(since: start)
        if count > 0 {
            if connections[index].status == nil {
                connections[index].firstReplyMs = now
                let text = String(decoding: buffer[0..<count], as: UTF8.self)
                connections[index].status = text.split(separator: " ").dropFirst().first.map(String.init) ?? "?"
            }
        } else if count == 0 || (errno != EAGAIN && errno != EINTR) {
            connections[index].closedMs = now
            close(connections[index].fd)
        }
    }
}
var statuses: [String: Int] = [:]
for connection in connections { if let status = connection.status { statuses[status, default: 0] += 1 } }
let closeTimes = connections.compactMap(\.closedMs)
let replyTimes = connections.compactMap(\.firstReplyMs)
let statusText = statuses.sorted { $0.key < $1.key }.map { "\($0.key):\($0.value)" }.joined(separator: ",")
emit(
    "open=\(connections.count - closeTimes.count) closed=\(closeTimes.count) first_status=\(statusText.isEmpty ? "none" : statusText)"
        + " first_reply_ms_max=\(replyTimes.max() ?? -1) close_ms_min=\(closeTimes.min() ?? -1) close_ms_max=\(closeTimes.max() ?? -1)")
