import CairnControl
import Foundation

// cairn-load: writes records through the control API from N concurrent clients and reports
// throughput and latency percentiles; optionally the daemon's resident memory afterwards.
// Each client keeps one connection open for all its writes (HTTP/1.1 keep-alive), as a
// long-lived writer would; `--connection close` opens one per write instead, as a one-shot
// `cairn record put` does. `--reply minimal` asks for the minimal reply (`Prefer:
// return=minimal`, only the id); the default is the whole record, as the API sends it unasked.
//
//   cairn-load --socket PATH [--clients 8] [--records 10000] [--field-bytes 200] [--pid PID]
//              [--class LEVEL] [--connection keep-alive|close] [--reply full|minimal]

struct Options {
    var socket = ProcessInfo.processInfo.environment["CAIRN_SOCKET"] ?? ControlClient.systemSocketPath
    var clients = 1
    var records = 10_000
    var fieldBytes = 200
    var pid: Int32?
    var level = "SECRET"
    var keepAlive = true
    var minimal = false

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
    FileHandle.standardError.write(Data("cairn-load: \(message)\nusage: cairn-load --socket PATH [--clients N] [--records N] [--field-bytes N] [--pid PID] [--class LEVEL] [--connection keep-alive|close] [--reply full|minimal]\n".utf8))
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

let options = Options(CommandLine.arguments)
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
    for n in 0..<perClient {
        let request = PutRecordRequest(
            id: "load-\(run)-\(client)-\(n)", type: "incident", classification: options.level,
            fields: ["title": .string("record \(n) of client \(client)"), "body": .string(filler), "n": .int(Int64(n))],
            tags: ["load"])
        let t0 = Date()
        do {
            if options.minimal {
                _ = try connection.putRecordMinimal(request)
            } else {
                _ = try connection.putRecord(request)
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
      + " connection=\(options.keepAlive ? "keep-alive" : "close") reply=\(options.minimal ? "minimal" : "full")")
if let pid = options.pid, let rss = residentKiB(pid) {
    print(String(format: "cairnd pid=%d rss=%.1f MiB", pid, Double(rss) / 1024))
}
