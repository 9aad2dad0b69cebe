import CairnControl
import Foundation

/// A real `cairnd` process for one site directory, with its output going to the site's log.
final class DaemonProcess: @unchecked Sendable {
    let site: SiteDirectory
    private let process = Process()

    /// Starts `cairnd --config` and waits until the control socket answers `status`, or throws
    /// with the log if the daemon exits or does not become ready in time.
    /// `launcher` (such as `["/usr/bin/prlimit", "--nofile=512:512"]`) runs cairnd through
    /// another program that execs it, so `pid` is still the daemon's.
    init(site: SiteDirectory, environment: [String: String] = [:], readyTimeout: TimeInterval = 30, launcher: [String] = []) throws {
        self.site = site
        let command = launcher + [Binaries.cairnd, "--config", site.config]
        process.executableURL = URL(fileURLWithPath: command[0])
        process.arguments = Array(command.dropFirst())
        process.environment = ProcessInfo.processInfo.environment.merging(environment) { _, new in new }
        _ = FileManager.default.createFile(atPath: site.log, contents: nil)
        let log = try FileHandle(forWritingTo: URL(fileURLWithPath: site.log))
        log.seekToEndOfFile()
        process.standardOutput = log
        process.standardError = log
        try process.run()
        let deadline = Date().addingTimeInterval(readyTimeout)
        while true {
            if !process.isRunning {
                throw TestFailure("cairnd exited with \(process.terminationStatus) before it was ready:\n\(logText())")
            }
            if (try? client.status()) != nil { return }
            if Date() > deadline { throw TestFailure("cairnd was not ready after \(readyTimeout) s:\n\(logText())") }
            usleep(20_000)
        }
    }

    var client: ControlClient { ControlClient(socketPath: site.socket, timeout: 10) }
    var pid: Int32 { process.processIdentifier }
    var isRunning: Bool { process.isRunning }

    func logText() -> String {
        (try? String(contentsOfFile: site.log, encoding: .utf8)) ?? "(no log)"
    }

    /// Sends `signal` and waits for the process to exit; returns its termination status.
    @discardableResult
    func stop(signal: Int32 = SIGTERM, timeout: TimeInterval = 20) throws -> Int32 {
        if process.isRunning { kill(process.processIdentifier, signal) }
        let deadline = Date().addingTimeInterval(timeout)
        while process.isRunning {
            if Date() > deadline {
                kill(process.processIdentifier, SIGKILL)
                throw TestFailure("cairnd did not stop within \(timeout) s after signal \(signal)")
            }
            usleep(10_000)
        }
        return process.terminationStatus
    }

    deinit {
        if process.isRunning { kill(process.processIdentifier, SIGKILL) }
    }
}

extension ControlClient {
    /// `status` once the check that follows each start (stored deltas, audit chain) is done, so
    /// that `store.problems` holds what it found.
    func statusAfterStoreCheck(timeout: TimeInterval = 60) throws -> StatusDocument {
        let deadline = Date().addingTimeInterval(timeout)
        while true {
            let status = try status()
            if !status.store.checking { return status }
            if Date() > deadline { throw TestFailure("the store check was still running after \(timeout) s") }
            usleep(20_000)
        }
    }
}
