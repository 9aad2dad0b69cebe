import Foundation

/// The resident memory of processes (VmRSS from /proc/PID/status), sampled on a thread of its
/// own while a torture test runs, keeping each process's peak.
final class ResidentMemory: @unchecked Sendable {
    // @unchecked: every member is guarded by `lock`.

    /// VmRSS of `pid` in bytes, nil if the process is gone.
    static func bytes(of pid: Int32) -> Int? {
        guard let text = try? String(contentsOfFile: "/proc/\(pid)/status", encoding: .utf8) else { return nil }
        for line in text.split(separator: "\n") where line.hasPrefix("VmRSS:") {
            let kibibytes = line.split(separator: " ", omittingEmptySubsequences: true).dropFirst().first.flatMap { Int($0) }
            return kibibytes.map { $0 * 1024 }
        }
        return nil
    }

    private let lock = NSLock()
    private var peaks: [String: Int] = [:]
    private var periodPeak: [String: Int] = [:]
    private var pids: [String: Int32] = [:]
    private var stopped = false
    private let done = DispatchSemaphore(value: 0)

    /// Samples every `interval` seconds the processes given to `track`.
    init(interval: TimeInterval = 0.25) {
        Thread.detachNewThread { [self] in
            while !lock.withLock({ stopped }) {
                for (label, pid) in lock.withLock({ pids }) {
                    guard let bytes = Self.bytes(of: pid) else { continue }
                    lock.withLock {
                        peaks[label] = max(peaks[label] ?? 0, bytes)
                        periodPeak[label] = max(periodPeak[label] ?? 0, bytes)
                    }
                }
                Thread.sleep(forTimeInterval: interval)
            }
            done.signal()
        }
    }

    /// Samples `pid` under `label` from now on (a restarted daemon has a new pid); nil stops.
    func track(_ label: String, pid: Int32?) {
        lock.withLock { pids[label] = pid }
    }

    /// The peak seen so far for each label.
    var peak: [String: Int] { lock.withLock { peaks } }

    /// The peak of each label since the last call (or the start), starting a new period: a
    /// peak that keeps rising from period to period is a leak even under the bound.
    func periodPeaks() -> [String: Int] {
        lock.withLock {
            defer { periodPeak = [:] }
            return periodPeak
        }
    }

    /// Stops sampling; returns the peaks.
    @discardableResult
    func stop() -> [String: Int] {
        let first = lock.withLock {
            defer { stopped = true }
            return !stopped
        }
        if first { done.wait() }
        return peak
    }

    static func mebibytes(_ bytes: Int) -> String { String(format: "%.1f MiB", Double(bytes) / 1_048_576) }
}

extension Federation {
    /// Tracks the daemon of every member (call again after restarting one).
    func track(in memory: ResidentMemory) {
        for member in members { memory.track(member.device, pid: member.daemon.map(\.pid)) }
    }
}
