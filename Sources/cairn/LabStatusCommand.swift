import ArgumentParser
import CairnControl

/// `cairn lab status`: which lab daemons run.
struct LabStatusCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "status",
        abstract: "Show which of a lab's daemons are running.",
        discussion: """
            Lists each device of the lab with its clearance, its daemon's pid and state \
            (running: answers on its socket; not answering: the process lives but the socket \
            does not answer; stopped), its record count when running, and its sync address.

            Examples:
              cairn lab status /tmp/lab
            """)

    @Argument(help: ArgumentHelp("The lab directory.", valueName: "dir"))
    var directory: String

    func run() throws {
        let paths = LabPaths(directory)
        let manifest = try LabManifest.load(from: paths.root)
        let charter = manifest.federation.fingerprint.prefix(16)
        Output.line("Lab \(paths.root): federation \(manifest.federation.name), charter \(charter)…")
        let rows = manifest.devices.map { device -> [String] in
            let pid = DaemonProcess.readPid(paths.resolve(device.pidFile))
                .flatMap { DaemonProcess.runs($0, config: paths.resolve(device.config)) ? $0 : nil }
            var state = "stopped"
            var records = "-"
            if let pid {
                if let status = try? ControlClient(socketPath: paths.resolve(device.socket), timeout: 2).status() {
                    state = "running"
                    records = "\(status.records)"
                } else {
                    state = "not answering (pid \(pid))"
                }
            }
            return [device.ref, device.clearance, pid.map { "\($0)" } ?? "-", state, records, device.syncListen]
        }
        Output.table(["DEVICE", "CLEARANCE", "PID", "STATE", "RECORDS", "SYNC"], rows)
    }
}
