import Foundation
import Testing

extension IntegrationSuite {
    /// The unit files pass systemd's own checks, and the daemon speaks the notify protocol.
    @Suite(.serialized)
    struct SystemdTests {
        static let analyze = "/usr/bin/systemd-analyze"

        /// The unit with ExecStart pointing at the built binary (verify checks that it exists).
        private func unitForThisBuild() throws -> (directory: String, unit: String) {
            let directory = "/tmp/cairn-unit-" + UUID().uuidString.prefix(8).lowercased()
            try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: false)
            let text = try String(contentsOfFile: Binaries.packageRoot + "/systemd/cairnd.service", encoding: .utf8)
                .replacingOccurrences(of: "/usr/local/bin/cairnd", with: Binaries.cairnd)
            let unit = directory + "/cairnd.service"
            try text.write(toFile: unit, atomically: true, encoding: .utf8)
            return (directory, unit)
        }

        @Test func unitPassesSystemdAnalyzeVerify() throws {
            #expect(FileManager.default.isExecutableFile(atPath: Self.analyze), "systemd-analyze is missing: make test installs systemd")
            let (directory, unit) = try unitForThisBuild()
            defer { try? FileManager.default.removeItem(atPath: directory) }
            let result = try ProcessRunner.run(Self.analyze, ["verify", unit])
            #expect(result.status == 0, "systemd-analyze verify: \(result.stderr)")
            #expect(result.stderr.isEmpty, "systemd-analyze verify complained: \(result.stderr)")
        }

        @Test func unitExposureIsAtMostOnePointFive() throws {
            let (directory, unit) = try unitForThisBuild()
            defer { try? FileManager.default.removeItem(atPath: directory) }
            let result = try ProcessRunner.run(Self.analyze, ["security", "--offline=true", "--no-pager", unit])
            let line = result.stdout.split(separator: "\n").first { $0.contains("Overall exposure level") }
            let score = line.flatMap { $0.split(separator: ":").last?.split(separator: " ").first }.flatMap { Double($0) }
            #expect(score != nil, "no exposure level in: \(result.stdout.suffix(300))")
            #expect((score ?? 10) <= 1.5, "exposure \(score ?? -1) is above 1.5")
        }

        @Test func sysusersSnippetDeclaresTheAccount() throws {
            let text = try String(contentsOfFile: Binaries.packageRoot + "/systemd/cairn.sysusers", encoding: .utf8)
            #expect(text.contains("u cairn -:cairn"))
            #expect(text.contains("g cairn -"))
        }

        @Test func daemonNotifiesReadyWatchdogAndStopping() throws {
            let site = try SiteDirectory()
            defer { site.remove() }
            let listener = try NotifyListener(path: site.path + "/notify.sock")
            let daemon = try DaemonProcess(
                site: site, environment: ["NOTIFY_SOCKET": listener.path, "WATCHDOG_USEC": "400000"])
            #expect(listener.waitFor("READY=1", timeout: 10))
            #expect(listener.waitFor("WATCHDOG=1", timeout: 5))
            #expect(try daemon.stop(signal: SIGTERM) == 0)
            #expect(listener.waitFor("STOPPING=1", timeout: 5))
        }
    }

    /// A datagram socket standing in for systemd's notification socket.
    final class NotifyListener: @unchecked Sendable {
        let path: String
        private let fd: Int32

        init(path: String) throws {
            self.path = path
            fd = socket(AF_UNIX, Int32(SOCK_DGRAM.rawValue), 0)
            var address = sockaddr_un()
            address.sun_family = sa_family_t(AF_UNIX)
            withUnsafeMutableBytes(of: &address.sun_path) { $0.copyBytes(from: Array(path.utf8)) }
            let bound = withUnsafePointer(to: &address) {
                $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, socklen_t(MemoryLayout<sockaddr_un>.size)) }
            }
            guard fd >= 0, bound == 0 else { throw TestFailure("cannot bind the notify socket \(path)") }
            var timeout = timeval(tv_sec: 0, tv_usec: 200_000)
            setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        }

        deinit { close(fd) }

        /// Reads datagrams until one contains `line` or `timeout` passes.
        func waitFor(_ line: String, timeout: TimeInterval) -> Bool {
            let deadline = Date().addingTimeInterval(timeout)
            var buffer = [UInt8](repeating: 0, count: 4096)
            while Date() < deadline {
                let n = recv(fd, &buffer, buffer.count, 0)
                if n > 0, String(decoding: buffer[0..<n], as: UTF8.self).split(separator: "\n").contains(Substring(line)) {
                    return true
                }
            }
            return false
        }
    }
}
