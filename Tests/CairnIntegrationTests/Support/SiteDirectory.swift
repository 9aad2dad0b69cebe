import CairnTestSupport
import Foundation

/// A private directory for one daemon, built from the deterministic test material in `Keys/test`:
/// device keys (0600), certificate, charter, and a `cairnd.toml` in test mode.
struct SiteDirectory {
    let path: String
    let device: String

    var config: String { path + "/cairnd.toml" }
    var socket: String { path + "/cairnd.sock" }
    var state: String { path + "/state" }
    var log: String { path + "/cairnd.log" }

    /// Creates the directory; `extraControl` lines go under `[control]`, and `extraSections`
    /// (whole TOML tables such as `[sync]` and `[peers]`) at the end of the file.
    init(device: String = "alpha/hq", extraControl: [String] = [], testMode: Bool = true, extraSections: String = "") throws {
        // Short paths: a Unix socket path must stay under 108 bytes.
        let base = "/tmp/cairn-it-" + String(UUID().uuidString.prefix(8)).lowercased()
        guard mkdir(base, 0o700) == 0 else { throw TestFailure("cannot create \(base)") }
        path = base
        self.device = device
        try copyPrivate(TestKeys.path(TestKeys.deviceKeysFile(device)), to: path + "/device.keys")
        try FileManager.default.copyItem(atPath: TestKeys.path(TestKeys.certificateFile(device)), toPath: path + "/device.cert")
        try FileManager.default.copyItem(atPath: TestKeys.path(TestKeys.charterFile), toPath: path + "/charter.cairn")
        let toml = """
            [device]
            keys = "device.keys"
            certificate = "device.cert"
            charter = "charter.cairn"

            [store]
            state_dir = "state"

            [control]
            socket = "cairnd.sock"
            \(extraControl.joined(separator: "\n"))

            [daemon]
            test_mode = \(testMode)
            log_level = "info"

            \(extraSections)
            """
        try toml.write(toFile: config, atomically: true, encoding: .utf8)
    }

    /// Scans the daemon's log for planted markers and raw control characters (`LogScan`,
    /// recording a test issue for each line found), then removes the directory. Every daemon of
    /// the suite lives in one of these, so every daemon's log is read once, at the end.
    func remove() {
        LogScan.check(logAt: log, of: device)
        try? FileManager.default.removeItem(atPath: path)
    }

    private func copyPrivate(_ source: String, to destination: String) throws {
        let data = try Data(contentsOf: URL(fileURLWithPath: source))
        guard FileManager.default.createFile(atPath: destination, contents: data, attributes: [.posixPermissions: 0o600]) else {
            throw TestFailure("cannot write \(destination)")
        }
    }

    /// Every byte of every file under the state directory.
    func stateFiles() throws -> [(String, Data)] {
        let names = try FileManager.default.contentsOfDirectory(atPath: state)
        return try names.map { ($0, try Data(contentsOf: URL(fileURLWithPath: state + "/" + $0))) }
    }
}
