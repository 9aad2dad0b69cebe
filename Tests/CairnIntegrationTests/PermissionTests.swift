import CairnControl
import Foundation
import Testing

extension IntegrationSuite {
    /// The caller's uid (SO_PEERCRED) decides what it may do on the control socket.
    @Suite(.serialized)
    struct PermissionTests {
        static let nobody: UInt32 = 65534

        @Test(.enabled(if: getuid() == 0, "needs root to act as another uid"))
        func readOnlyUidMayReadButNotWrite() throws {
            let site = try SiteDirectory(extraControl: ["read_uids = [\(Self.nobody)]"])
            defer { site.remove() }
            let daemon = try DaemonProcess(site: site)
            _ = try daemon.client.putRecord(PutRecordRequest(id: "r1", type: "incident", classification: "SECRET", fields: ["a": .int(1)]))
            // Let `nobody` reach the socket (in production: the socket's group).
            chmod(site.path, 0o711)
            chmod(site.socket, 0o666)
            let binDirectory = "/tmp/cairn-it-bin-" + UUID().uuidString.prefix(8).lowercased()
            try FileManager.default.createDirectory(atPath: binDirectory, withIntermediateDirectories: false, attributes: [.posixPermissions: 0o755])
            defer { try? FileManager.default.removeItem(atPath: binDirectory) }
            try FileManager.default.copyItem(atPath: Binaries.cairn, toPath: binDirectory + "/cairn")
            let asNobody = ["--reuid=\(Self.nobody)", "--regid=\(Self.nobody)", "--clear-groups", binDirectory + "/cairn"]
            let socket = ["--socket", site.socket]

            let read = try ProcessRunner.run("/usr/bin/setpriv", asNobody + ["record", "get", "r1", "--json"] + socket)
            #expect(read.status == 0, "read as nobody failed: \(read.stderr)")
            #expect(read.stdout.contains("\"r1\""))

            let write = try ProcessRunner.run("/usr/bin/setpriv", asNobody + ["record", "put", "--id", "r1", "--field", "a=2"] + socket)
            #expect(write.status == 1)
            #expect(write.stderr.contains("may not write"))
            #expect(try daemon.client.getRecord(id: "r1").fields["a"] == .int(1))
            #expect(daemon.logText().contains("control.forbidden"))
            // The refusal is in the audit log with the caller's uid (written off the event loop).
            var audited = false
            for _ in 0..<50 where !audited {
                audited = try daemon.client.auditEntries().contains { $0.kind == "control.forbidden" && $0.actor == "uid:\(Self.nobody)" }
                if !audited { usleep(20_000) }
            }
            #expect(audited)
            try daemon.stop()
        }

        @Test(.enabled(if: getuid() == 0, "needs root to act as another uid"))
        func unlistedUidMayDoNothing() throws {
            let site = try SiteDirectory()
            defer { site.remove() }
            let daemon = try DaemonProcess(site: site)
            chmod(site.path, 0o711)
            chmod(site.socket, 0o666)
            // curl is not needed: a raw request through the CLI binary copied where nobody can run it.
            let binDirectory = "/tmp/cairn-it-bin-" + UUID().uuidString.prefix(8).lowercased()
            try FileManager.default.createDirectory(atPath: binDirectory, withIntermediateDirectories: false, attributes: [.posixPermissions: 0o755])
            defer { try? FileManager.default.removeItem(atPath: binDirectory) }
            try FileManager.default.copyItem(atPath: Binaries.cairn, toPath: binDirectory + "/cairn")
            let status = try ProcessRunner.run(
                "/usr/bin/setpriv",
                ["--reuid=\(Self.nobody)", "--regid=\(Self.nobody)", "--clear-groups", binDirectory + "/cairn", "status", "--socket", site.socket])
            #expect(status.status == 1)
            #expect(status.stderr.contains("may not read"))
            try daemon.stop()
        }
    }
}
