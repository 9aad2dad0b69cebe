import CairnControl
import Foundation

// cairn-load: writes records through the control API from N concurrent clients and reports
// throughput and latency percentiles; optionally the daemon's resident memory afterwards.
// Each client keeps one connection open for all its writes (HTTP/1.1 keep-alive), as a
// long-lived writer would; `--connection close` opens one per write instead, as a one-shot
// `cairn record put` does. `--reply minimal` asks for the minimal reply (`Prefer:
// return=minimal`, only the id); the default is the whole record, as the API sends it unasked.
// `--client lean` (keep-alive only) writes each request's bytes itself and reads only the
// status line, headers and body length of the reply, as a load tool such as wrk does: the
// CLI's client (`--client cli`, the default) spends about 100 µs of CPU per write on JSON
// and HTTP, on the same two cores as the daemon it measures.
//
//   cairn-load --socket PATH [--clients 8] [--records 10000] [--field-bytes 200] [--pid PID]
//              [--class LEVEL] [--connection keep-alive|close] [--reply full|minimal]
//              [--client cli|lean]

struct Options {
    var socket = ProcessInfo.processInfo.environment["CAIRN_SOCKET"] ?? ControlClient.systemSocketPath
    var clients = 1
    var records = 10_000
    var fieldBytes = 200
    var pid: Int32?
    var level = "SECRET"
    var keepAlive = true
    var minimal = false
    var lean = false

    init(_ arguments: [String]) {
        var iterator = arguments.dropFirst().makeIterator()
        while let flag = iterator.next() {
            guard let value = iterator.next() else { usage("\(flag) needs a value") }
            switch flag {
            case "--socket": socket = value
            case "--clients": clients = number(value, flag)
            case "--records": records = number(value, flag)
            case "--field-bytes": fieldBytes = number(value, flag)
            case "--pid": pid = number(value, flag) as Int32
            case "--class": level = value
            case "--connection":
                guard value == "keep-alive" || value == "close" else { usage("--connection is keep-alive or close") }
                keepAlive = value == "keep-alive"
            case "--reply":
                guard value == "full" || value == "minimal" else { usage("--reply is full or minimal") }
                minimal = value == "minimal"
            case "--client":
                guard value == "cli" || value == "lean" else { usage("--client is cli or lean") }
                lean = value == "lean"
            default: usage("unknown option \(flag)")
            }
        }
    }
}

func number<T: LosslessStringConvertible>(_ text: String, _ flag: String) -> T {
    guard let value = T(text) else { usage("\(flag) takes a number, not \(text)") }
    return value
}

func usage(_ message: String) -> Never {
    FileHandle.standardError.write(Data("cairn-load: \(message)\nusage: cairn-load --socket PATH [--clients N] [--records N] [--field-bytes N] [--pid PID] [--class LEVEL] [--connection keep-alive|close] [--reply full|minimal] [--client cli|lean]\n".utf8))
    exit(2)
}

final class Latencies: @unchecked Sendable {
    private let lock = NSLock()
    private var values: [Double] = []
    private(set) var failures = 0
    func add(_ seconds: Double) { lock.withLock { values.append(seconds) } }
    func fail() { lock.withLock { failures += 1 } }
    var sorted: [Double] { lock.withLock { values.sorted() } }
}

func residentKiB(_ pid: Int32) -> Int? {
    guard let text = try? String(contentsOfFile: "/proc/\(pid)/status", encoding: .utf8) else { return nil }
    for line in text.split(separator: "\n") where line.hasPrefix("VmRSS:") {
        return Int(line.split(separator: " ").dropFirst().first ?? "")
    }
    return nil
}

/// A keep-alive connection that sends prepared request bytes and reads back one reply: its
/// status and, by `content-length`, the end of its body (the body itself is not parsed).
final class LeanConnection {
    private let descriptor: Int32
    private var buffer = [UInt8](repeating: 0, count: 65_536)
    private var held = 0

    init(socketPath: String) throws {
        descriptor = socket(AF_UNIX, Int32(SOCK_STREAM.rawValue), 0)
        guard descriptor >= 0 else { throw LoadError("socket: errno \(errno)") }
        var address = sockaddr_un()
        address.sun_family = sa_family_t(AF_UNIX)
        let path = Array(socketPath.utf8)
        guard path.count < MemoryLayout.size(ofValue: address.sun_path) else { throw LoadError("socket path too long") }
        withUnsafeMutableBytes(of: &address.sun_path) { raw in
            for (index, byte) in path.enumerated() { raw[index] = byte }
        }
        let connected = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(descriptor, $0, socklen_t(MemoryLayout<sockaddr_un>.size)) }
        }
        guard connected == 0 else { throw LoadError("connect \(socketPath): errno \(errno)") }
    }

    deinit { close(descriptor) }

    /// Sends `request` and returns the reply's status code.
    func exchange(_ request: [UInt8]) throws -> Int {
        var sent = 0
        while sent < request.count {
            let n = request.withUnsafeBytes { write(descriptor, $0.baseAddress! + sent, $0.count - sent) }
            guard n > 0 else { throw LoadError("write: errno \(errno)") }
            sent += n
        }
        while true {
            if let (status, length) = try parsed(), held >= length {
                buffer.withUnsafeMutableBytes { raw in
                    raw.baseAddress!.copyMemory(from: raw.baseAddress! + length, byteCount: held - length)
                }
                held -= length
                return status
            }
            guard held < buffer.count else { throw LoadError("reply larger than \(buffer.count) bytes") }
            let n = buffer.withUnsafeMutableBytes { read(descriptor, $0.baseAddress! + held, $0.count - held) }
            guard n > 0 else { throw LoadError(n == 0 ? "the daemon closed the connection" : "read: errno \(errno)") }
            held += n
        }
    }

    /// The status and the whole reply's length once its head is in the buffer.
    private func parsed() throws -> (Int, Int)? {
        let bytes = buffer[0..<held]
        guard let end = bytes.firstRange(of: [13, 10, 13, 10] as [UInt8])?.upperBound else { return nil }
        let head = String(decoding: bytes[..<end], as: UTF8.self).lowercased()
        let lines = head.split(separator: "\r\n")
        guard let statusLine = lines.first, statusLine.hasPrefix("http/1.1 "), let status = Int(statusLine.dropFirst(9).prefix(3)) else {
            throw LoadError("not an HTTP/1.1 reply")
        }
        guard let lengthLine = lines.first(where: { $0.hasPrefix("content-length:") }),
            let length = Int(lengthLine.dropFirst(15).trimmingCharacters(in: .whitespaces))
        else { throw LoadError("a reply without content-length") }
        return (status, end + length)
    }
}

struct LoadError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}

/// The bytes of one `POST /v1/records`, as `ControlClient` would send them (the same JSON body).
func requestBytes(_ request: PutRecordRequest, minimal: Bool) throws -> [UInt8] {
    let body = try ControlJSON.compactEncoder().encode(request)
    var head = "POST /v1/records HTTP/1.1\r\nhost: cairnd\r\ncontent-type: application/json\r\n"
    head += "content-length: \(body.count)\r\nconnection: keep-alive\r\n"
    if minimal { head += "prefer: return=minimal\r\n" }
    return Array((head + "\r\n").utf8) + body
}

let options = Options(CommandLine.arguments)
if options.lean && !options.keepAlive { usage("--client lean keeps its connection alive") }
let latencies = Latencies()
let filler = String(repeating: "x", count: options.fieldBytes)
let run = UUID().uuidString.prefix(8)
let perClient = options.records / options.clients
let started = Date()
// One thread per client (concurrentPerform would cap the parallelism at the core count).
let finished = DispatchGroup()
for client in 0..<options.clients {
    finished.enter()
    Thread.detachNewThread {
    defer { finished.leave() }
    let plain = ControlClient(socketPath: options.socket, timeout: 30)
    let connection = options.keepAlive ? plain.keepingAlive() : plain
    var lean: LeanConnection?
    if options.lean {
        do {
            lean = try LeanConnection(socketPath: options.socket)
        } catch {
            FileHandle.standardError.write(Data("cairn-load: \(error)\n".utf8))
            exit(1)
        }
    }
    // Lean requests are made before the clock starts: what is timed is the daemon's work.
    func request(_ n: Int) -> PutRecordRequest {
        PutRecordRequest(
            id: "load-\(run)-\(client)-\(n)", type: "incident", classification: options.level,
            fields: ["title": .string("record \(n) of client \(client)"), "body": .string(filler), "n": .int(Int64(n))],
            tags: ["load"])
    }
    let prepared = options.lean ? (0..<perClient).map { try! requestBytes(request($0), minimal: options.minimal) } : []
    for n in 0..<perClient {
        let t0 = Date()
        do {
            if let lean {
                let status = try lean.exchange(prepared[n])
                guard status == 200 || status == 201 else { throw LoadError("status \(status)") }
            } else if options.minimal {
                _ = try connection.putRecordMinimal(request(n))
            } else {
                _ = try connection.putRecord(request(n))
            }
            latencies.add(Date().timeIntervalSince(t0))
        } catch {
            latencies.fail()
            if latencies.failures == 1 { FileHandle.standardError.write(Data("first failure: \(error)\n".utf8)) }
        }
    }
    }
}
finished.wait()
let elapsed = Date().timeIntervalSince(started)
let sorted = latencies.sorted
func percentile(_ p: Double) -> Double { sorted.isEmpty ? 0 : sorted[min(sorted.count - 1, Int(Double(sorted.count) * p))] * 1000 }
print(String(format: "clients=%d records=%d failures=%d elapsed=%.2fs writes/s=%.0f p50=%.2fms p99=%.2fms",
             options.clients, sorted.count, latencies.failures, elapsed, Double(sorted.count) / elapsed, percentile(0.5), percentile(0.99))
      + " connection=\(options.keepAlive ? "keep-alive" : "close") reply=\(options.minimal ? "minimal" : "full") client=\(options.lean ? "lean" : "cli")")
if let pid = options.pid, let rss = residentKiB(pid) {
    print(String(format: "cairnd pid=%d rss=%.1f MiB", pid, Double(rss) / 1024))
}
