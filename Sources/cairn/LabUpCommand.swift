import ArgumentParser
import CairnControl
import Foundation

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// `cairn lab up`: start lab daemons in the background.
struct LabUpCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "up",
        abstract: "Start a lab's daemons in the background.",
        discussion: """
            Starts `cairnd --config AGENCY-NAME/cairnd.toml` for the named devices (all by \
            default), each in its own session, with its output appended to AGENCY-NAME/cairnd.log \
            and its pid in AGENCY-NAME/cairnd.pid, and returns once each answers on its control \
            socket (up to --wait seconds). A daemon that exits instead has the end of its log \
            printed, and cairn exits 1. Daemons already running are left alone.

            cairnd is $CAIRND if set, else the cairnd next to this cairn, else the first on $PATH.

            Examples:
              cairn lab up /tmp/lab
              cairn lab up /tmp/lab alpha/hq
              CAIRND=.build/debug/cairnd cairn lab up /tmp/lab
            """)

    @Argument(help: ArgumentHelp("The lab directory.", valueName: "dir"))
    var directory: String

    @Argument(help: ArgumentHelp("Devices to start, as AGENCY/NAME (default: all).", valueName: "agency/name"))
    var devices: [String] = []

    @Option(name: .long, help: ArgumentHelp("Seconds to wait for each daemon to answer.", valueName: "seconds"))
    var wait: Double = 30

    func validate() throws {
        guard wait > 0, wait <= 600 else { throw ValidationError("--wait must be between 0 and 600 seconds.") }
    }

    private struct Starting {
        let device: LabManifest.Device
        let pid: pid_t
    }

    func run() throws {
        let paths = LabPaths(directory)
        let manifest = try LabManifest.load(from: paths.root)
        let selected = try manifest.devices(devices)
        var starting: [Starting] = []
        var executable: String?
        for device in selected {
            let config = paths.resolve(device.config)
            let pidFile = paths.resolve(device.pidFile)
            if let pid = DaemonProcess.readPid(pidFile), DaemonProcess.runs(pid, config: config) {
                if answers(paths.resolve(device.socket)) {
                    Output.line("\(device.ref) is already running (pid \(pid)).")
                    continue
                }
                throw CLIError.failure(
                    "\(device.ref) runs as pid \(pid) but does not answer on \(paths.resolve(device.socket)); "
                        + "see \(paths.resolve(device.log)), or run cairn lab down \(paths.root) \(device.ref)")
            }
            if executable == nil { executable = try DaemonProcess.locate() }
            let pid = try DaemonProcess.spawnDetached(
                executable!, ["--config", config], log: paths.resolve(device.log))
            try Data("\(pid)\n".utf8).write(to: URL(fileURLWithPath: pidFile))
            starting.append(Starting(device: device, pid: pid))
        }
        try waitUntilAnswering(starting, paths: paths)
    }

    /// Polls every starting daemon until it answers, exits, or the wait runs out.
    private func waitUntilAnswering(_ starting: [Starting], paths: LabPaths) throws {
        var pending = starting
        var failed = false
        let deadline = Date(timeIntervalSinceNow: wait)
        while !pending.isEmpty {
            var still: [Starting] = []
            for entry in pending {
                let socket = paths.resolve(entry.device.socket)
                if answers(socket) {
                    Output.line("Started \(entry.device.ref) (pid \(entry.pid)), socket \(socket)")
                } else if let exit = DaemonProcess.reap(entry.pid) {
                    failed = true
                    report(entry, paths: paths, problem: "cairnd for \(entry.device.ref) \(exit) before answering")
                    try? FileManager.default.removeItem(atPath: paths.resolve(entry.device.pidFile))
                } else if Date() >= deadline {
                    failed = true
                    kill(entry.pid, SIGTERM)
                    report(
                        entry, paths: paths,
                        problem: "cairnd for \(entry.device.ref) did not answer within \(Int(wait)) s; stopped it")
                    try? FileManager.default.removeItem(atPath: paths.resolve(entry.device.pidFile))
                } else {
                    still.append(entry)
                }
            }
            pending = still
            if !pending.isEmpty { usleep(100_000) }
        }
        if failed { throw ExitCode(1) }
    }

    private func answers(_ socket: String) -> Bool {
        (try? ControlClient(socketPath: socket, timeout: 2).status()) != nil
    }

    private func report(_ entry: Starting, paths: LabPaths, problem: String) {
        Output.error(problem)
        let log = paths.resolve(entry.device.log)
        let lines = DaemonProcess.tail(log)
        guard !lines.isEmpty else { return Output.standardError("(\(log) is empty)") }
        Output.standardError("last lines of \(log):\n" + lines.map { "  " + $0 }.joined(separator: "\n"))
    }
}
