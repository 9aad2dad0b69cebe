import CairnControl
import Foundation

// cairn-gossip: how long one write takes to reach every cleared site of a lab.
//
//   cairn-gossip --writer SOCKET --watch SOCKET,SOCKET,... [--writes 100] [--class SECRET]
//                [--interval-ms 200] [--timeout 30]
//
// Watches the change stream of every listed site (GET /v1/watch), then writes WRITES records,
// one at a time, at the writer site; for each, the time from the write being acknowledged
// until the last watched site reports it. Prints `gossip_p50_ms=… gossip_p99_ms=… …`.
//
// With --steady N (a federation from cold): writes go on, each waited for at most 1 s, until N
// in a row have each reached every site in under a second (or --max-seconds pass); prints
// `gossip_steady_after_s=…`, the time of the first of those writes since --since (Unix
// seconds; default: when cairn-gossip started), and how many writes it took.

var writer = ""
var watched: [String] = []
var writes = 100
var level = "SECRET"
var intervalMs = 200
var timeout = 30.0
var steady = 0
var since = Date().timeIntervalSince1970
var maxSeconds = 300.0
var iterator = CommandLine.arguments.dropFirst().makeIterator()
while let flag = iterator.next() {
    guard let value = iterator.next() else { fail("\(flag) needs a value", code: 2) }
    switch flag {
    case "--writer": writer = value
    case "--watch": watched = value.split(separator: ",").map(String.init)
    case "--writes": writes = Int(value) ?? writes
    case "--class": level = value
    case "--interval-ms": intervalMs = Int(value) ?? intervalMs
    case "--timeout": timeout = Double(value) ?? timeout
    case "--steady": steady = Int(value) ?? steady
    case "--since": since = Double(value) ?? since
    case "--max-seconds": maxSeconds = Double(value) ?? maxSeconds
    default: fail("unknown option \(flag)", code: 2)
    }
}
guard !writer.isEmpty, !watched.isEmpty else { fail("--writer and --watch are required", code: 2) }

func fail(_ message: String, code: Int32 = 1) -> Never {
    FileHandle.standardError.write(Data("cairn-gossip: \(message)\n".utf8))
    exit(code)
}

/// When each watched site first reported each record id.
final class Arrivals: @unchecked Sendable {
    private let lock = NSCondition()
    private var seen: [String: [Int: Date]] = [:]
    private var watching = 0

    func ready() { lock.withLock { watching += 1; lock.broadcast() } }
    func waitReady(_ count: Int, until deadline: Date) -> Bool {
        lock.withLock {
            while watching < count { if !lock.wait(until: deadline) { return false } }
            return true
        }
    }
    func arrived(_ id: String, at site: Int) {
        lock.withLock {
            if seen[id]?[site] == nil { seen[id, default: [:]][site] = Date() }
            lock.broadcast()
        }
    }
    /// The last arrival of `id` once every site has it, or nil at the deadline.
    func waitAll(_ id: String, sites: Int, until deadline: Date) -> Date? {
        lock.withLock {
            while (seen[id]?.count ?? 0) < sites { if !lock.wait(until: deadline) { return nil } }
            return seen[id]!.values.max()
        }
    }
    func count(_ id: String) -> Int { lock.withLock { seen[id]?.count ?? 0 } }
}

let arrivals = Arrivals()
let run = UUID().uuidString.prefix(8).lowercased()
for (index, socket) in watched.enumerated() {
    Thread.detachNewThread {
        let client = ControlClient(socketPath: socket, timeout: 3600)
        do {
            try client.watch { event in
                if event.event == "watching" { arrivals.ready() }
                if event.event == "record.created", let id = event.record?.id, id.hasPrefix("gossip-\(run)-") {
                    arrivals.arrived(id, at: index)
                }
                return true
            }
        } catch {
            FileHandle.standardError.write(Data("cairn-gossip: watch of \(socket) ended: \(error)\n".utf8))
        }
    }
}
guard arrivals.waitReady(watched.count, until: Date().addingTimeInterval(30)) else { fail("not every site started watching within 30 s") }

let client = ControlClient(socketPath: writer, timeout: 30)

/// Writes record `n` at the writer; exits on a failed write.
@MainActor func write(_ n: Int) -> Date {
    do {
        _ = try client.putRecord(
            PutRecordRequest(
                id: "gossip-\(run)-\(n)", type: "incident", classification: level, fields: ["title": .string("gossip \(n)")]))
    } catch {
        fail("write \(n) failed: \(error)")
    }
    return Date()
}

if steady > 0 {
    let deadline = Date().addingTimeInterval(maxSeconds)
    var streak: [(write: Int, at: Date)] = []
    var n = 0
    while streak.count < steady {
        guard Date() < deadline else {
            print("gossip_steady_after_s=nan gossip_steady_writes=\(n) gossip_steady_streak=\(streak.count)")
            exit(1)
        }
        let written = write(n)
        if arrivals.waitAll("gossip-\(run)-\(n)", sites: watched.count, until: written.addingTimeInterval(1)) != nil {
            streak.append((n, written))
        } else {
            streak = []
        }
        // Progress on stderr: how far each write got within its second.
        let reached = arrivals.count("gossip-\(run)-\(n)")
        FileHandle.standardError.write(
            Data(String(format: "cairn-gossip: %.1f s: write %d reached %d/%d sites within 1 s\n", written.timeIntervalSince1970 - since, n, reached, watched.count).utf8))
        n += 1
        Thread.sleep(forTimeInterval: Double(intervalMs) / 1000)
    }
    print(
        String(
            format: "gossip_steady_after_s=%.1f gossip_steady_writes=%d gossip_steady_first=%d", streak[0].at.timeIntervalSince1970 - since,
            n, streak[0].write))
    exit(0)
}
var latencies: [Double] = []
var byWrite: [(write: Int, ms: Double)] = []
var missed = 0
for n in 0..<writes {
    let id = "gossip-\(run)-\(n)"
    let written = write(n)
    if let last = arrivals.waitAll(id, sites: watched.count, until: written.addingTimeInterval(timeout)) {
        latencies.append(max(0, last.timeIntervalSince(written)) * 1000)
        byWrite.append((n, latencies.last!))
    } else {
        missed += 1
        FileHandle.standardError.write(Data("cairn-gossip: write \(n) reached \(arrivals.count(id))/\(watched.count) sites within \(timeout) s\n".utf8))
    }
    Thread.sleep(forTimeInterval: Double(intervalMs) / 1000)
}
let sorted = latencies.sorted()
/// Nearest rank: the smallest value with at least p of the samples at or below it (of 100
/// samples, p99 is the 99th, not the largest; the largest is printed as max).
func percentile(_ p: Double) -> Double {
    sorted.isEmpty ? .nan : sorted[min(sorted.count - 1, max(0, Int((Double(sorted.count) * p).rounded(.up)) - 1))]
}
let slowest = byWrite.sorted { $0.ms > $1.ms }.prefix(3).map { String(format: "%d:%.0f", $0.write, $0.ms) }
print(
    String(
        format: "gossip_sites=%d gossip_writes=%d gossip_missed=%d gossip_p50_ms=%.1f gossip_p99_ms=%.1f gossip_max_ms=%.1f",
        watched.count, writes, missed, percentile(0.5), percentile(0.99), sorted.last ?? .nan)
        + " gossip_slowest=" + slowest.joined(separator: ","))
exit(missed == 0 ? 0 : 1)
