import ArgumentParser
import Foundation

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// `cairn lab down`: stop lab daemons.
struct LabDownCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "down",
        abstract: "Stop a lab's daemons.",
        discussion: """
            Sends SIGTERM to the named devices' daemons (all by default), waits up to 15 seconds \
            for each to shut down gracefully, then sends SIGKILL with a warning, and removes the \
            pid files. Devices that are not running are skipped.

            Examples:
              cairn lab down /tmp/lab
              cairn lab down /tmp/lab bravo/hq
            """)

    @Argument(help: ArgumentHelp("The lab directory.", valueName: "dir"))
    var directory: String

    @Argument(help: ArgumentHelp("Devices to stop, as AGENCY/NAME (default: all).", valueName: "agency/name"))
    var devices: [String] = []

    /// How long a daemon has to stop after SIGTERM.
    static let gracePeriod: TimeInterval = 15

    func run() throws {
        let paths = LabPaths(directory)
        let manifest = try LabManifest.load(from: paths.root)
        var stopping: [(ref: String, pid: pid_t)] = []
        for device in try manifest.devices(devices) {
            let pidFile = paths.resolve(device.pidFile)
            guard let pid = DaemonProcess.readPid(pidFile),
                DaemonProcess.runs(pid, config: paths.resolve(device.config))
            else {
                try? FileManager.default.removeItem(atPath: pidFile)
                Output.line("\(device.ref) is not running.")
                continue
            }
            kill(pid, SIGTERM)
            stopping.append((device.ref, pid))
        }
        let deadline = Date(timeIntervalSinceNow: Self.gracePeriod)
        while stopping.contains(where: { DaemonProcess.isAlive($0.pid) }) && Date() < deadline {
            usleep(100_000)
        }
        for (ref, pid) in stopping {
            if DaemonProcess.isAlive(pid) {
                Output.warning(
                    "\(ref) (pid \(pid)) did not stop within \(Int(Self.gracePeriod)) s after SIGTERM; sent SIGKILL")
                kill(pid, SIGKILL)
            } else {
                Output.line("Stopped \(ref) (pid \(pid)).")
            }
            if let device = manifest.devices.first(where: { $0.ref == ref }) {
                try? FileManager.default.removeItem(atPath: paths.resolve(device.pidFile))
            }
        }
    }
}
