import CairnControl
import Foundation
import Testing

extension IntegrationSuite {
    /// The daemon as a real process: start, readiness, graceful stop, and refusals at start.
    @Suite(.serialized)
    struct DaemonLifecycleTests {
        @Test func startsServesAndStopsGracefully() throws {
            let site = try SiteDirectory()
            defer { site.remove() }
            let daemon = try DaemonProcess(site: site)
            let status = try daemon.client.status()
            #expect(status.device.ref == "alpha/hq")
            #expect(status.clearance == "SECRET")
            #expect(status.levels.map(\.name) == ["UNCLASSIFIED", "RESTRICTED", "CONFIDENTIAL", "SECRET"])
            // No key is minted before a level is first written (or a key granted).
            #expect(status.levels.allSatisfy { !$0.readable && $0.epoch == nil })
            #expect(status.testMode)
            let mode = try FileManager.default.attributesOfItem(atPath: site.socket)[.posixPermissions] as? Int
            #expect(mode == 0o660)
            #expect(try daemon.stop(signal: SIGTERM) == 0)
            #expect(!FileManager.default.fileExists(atPath: site.socket))
            #expect(daemon.logText().contains("daemon.stopped"))
        }

        @Test func replacesAStaleSocketButNotALiveOne() throws {
            let site = try SiteDirectory()
            defer { site.remove() }
            try makeStaleSocket(at: site.socket)
            let daemon = try DaemonProcess(site: site)
            #expect(daemon.logText().contains("control.stale_socket_removed"))

            let second = try ProcessRunner.run(Binaries.cairnd, ["--config", site.config], timeout: 30)
            #expect(second.status == 1)
            #expect(second.stderr.contains("another cairnd is already serving"))
            #expect(try daemon.client.status().device.ref == "alpha/hq")
            try daemon.stop()
        }

        @Test func refusesAStateDirectoryOthersCanRead() throws {
            let site = try SiteDirectory()
            defer { site.remove() }
            #expect(mkdir(site.state, 0o755) == 0)
            chmod(site.state, 0o755)
            let result = try ProcessRunner.run(Binaries.cairnd, ["--config", site.config], timeout: 30)
            #expect(result.status == 1)
            #expect(result.stderr.contains("has mode 755"))
            #expect(!FileManager.default.fileExists(atPath: site.state + "/cairn.sqlite"))
        }

        @Test func refusesTestKeysOutsideTestMode() throws {
            let site = try SiteDirectory(testMode: false)
            defer { site.remove() }
            let result = try ProcessRunner.run(Binaries.cairnd, ["--config", site.config], timeout: 30)
            #expect(result.status == 1)
            #expect(result.stderr.lowercased().contains("test"))
        }

        @Test func checkConfigReportsEveryProblemWithItsLine() throws {
            let site = try SiteDirectory()
            defer { site.remove() }
            try "[device]\nkeys = 3\nbogus = \"x\"\n[store]\nstate_dir = \"s\"\n".write(toFile: site.config, atomically: true, encoding: .utf8)
            let result = try ProcessRunner.run(Binaries.cairnd, ["--check-config", site.config])
            #expect(result.status == 1)
            #expect(result.stderr.contains("line 2: device.keys"))
            #expect(result.stderr.contains("line 3: device.bogus: unknown key"))
            #expect(result.stderr.contains("device.certificate: is required"))
        }

        private func makeStaleSocket(at path: String) throws {
            let fd = socket(AF_UNIX, Int32(SOCK_STREAM.rawValue), 0)
            defer { close(fd) }
            var address = sockaddr_un()
            address.sun_family = sa_family_t(AF_UNIX)
            withUnsafeMutableBytes(of: &address.sun_path) { $0.copyBytes(from: Array(path.utf8)) }
            let bound = withUnsafePointer(to: &address) {
                $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, socklen_t(MemoryLayout<sockaddr_un>.size)) }
            }
            guard bound == 0 else { throw TestFailure("cannot bind a stale socket at \(path)") }
        }
    }
}
