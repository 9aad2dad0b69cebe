import Foundation

/// What a daemon costs while a `TestPeer` attacks it, read from `/proc/PID/status`.
struct TestPeerMemory: Sendable, CustomStringConvertible {
    /// Resident set size now, in KiB.
    let residentKiB: Int
    /// The peak resident set size since the process started, in KiB.
    let peakKiB: Int

    /// Reads the figures of process `pid`.
    init(pid: Int32) throws {
        let status = try String(contentsOfFile: "/proc/\(pid)/status", encoding: .utf8)
        func field(_ name: String) throws -> Int {
            guard let line = status.split(separator: "\n").first(where: { $0.hasPrefix(name + ":") }),
                let value = Int(line.dropFirst(name.count + 1).trimmingCharacters(in: .whitespaces).split(separator: " ")[0])
            else { throw TestFailure("no \(name) in /proc/\(pid)/status") }
            return value
        }
        residentKiB = try field("VmRSS")
        peakKiB = try field("VmHWM")
    }

    /// Reads the figures of `member`'s daemon.
    init(_ member: Federation.Member) throws {
        guard let daemon = member.daemon else { throw TestFailure("\(member.device) is not running") }
        try self.init(pid: daemon.pid)
    }

    var description: String { "RSS \(residentKiB / 1024) MiB (peak \(peakKiB / 1024) MiB)" }
}
