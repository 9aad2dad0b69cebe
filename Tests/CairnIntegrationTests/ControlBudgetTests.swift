import CairnControl
import Foundation
import Testing

extension IntegrationSuite {
    /// The control socket's budgets against a real daemon (issue 13): stalled requests are cut,
    /// a forbidden request is answered before its body, and a flood from one uid leaves the
    /// admin's `status` and the sync listener reachable.
    @Suite(.serialized)
    struct ControlBudgetTests {
        static let nobody: UInt32 = 65534
        static let stalledBody = "POST /v1/records HTTP/1.1\r\nHost: cairn\r\nContent-Type: application/json\r\nContent-Length: 1000\r\n\r\n{\"id\":1"

        /// With the default budgets (10 s for a head, and for a body of 1,000 bytes).
        @Test func stalledRequestsAreAnswered408AndClosed() throws {
            let site = try SiteDirectory()
            defer { site.remove() }
            let daemon = try DaemonProcess(site: site)
            let body = try RawControlConnection(socket: site.socket)
            body.send(Self.stalledBody)
            let head = try RawControlConnection(socket: site.socket)
            head.send("GET /v1/status HTTP/1.1\r\nHost: ca")
            let silent = try RawControlConnection(socket: site.socket)
            for (name, connection, answered) in [("body", body, true), ("head", head, true), ("silent", silent, false)] {
                let (text, closed, seconds) = connection.readUntilClosed(timeout: 25)
                #expect(closed, "\(name): still open after \(seconds) s")
                #expect(seconds >= 9, "\(name): closed after \(seconds) s, before its deadline")
                #expect(text.hasPrefix("HTTP/1.1 408") == answered, "\(name): \(text)")
            }
            #expect(try daemon.client.status().device.ref == "alpha/hq")
            let metrics = try daemon.client.metrics()
            #expect(metrics.contains("cairn_control_connections_closed_total{reason=\"body_timeout\"} 1"))
            #expect(metrics.contains("cairn_control_connections_closed_total{reason=\"header_timeout\"} 2"))
            try daemon.stop()
        }

        @Test(.enabled(if: getuid() == 0, "needs root to act as another uid"))
        func aForbiddenPostIsAnsweredWithoutItsBody() throws {
            let site = try SiteDirectory()
            defer { site.remove() }
            let daemon = try DaemonProcess(site: site)
            let flood = try FloodProcess(
                site: site, uid: Self.nobody, connections: 1,
                send: #"POST /v1/records HTTP/1.1\r\nHost: cairn\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n"#, hold: 4)
            let summary = try flood.summary()
            #expect(summary["first_status"] == "403:1", "\(summary)")
            #expect(Int(summary["first_reply_ms_max"] ?? "") ?? .max < 2_000, "\(summary)")
            #expect(summary["closed"] == "1", "\(summary)")
            try daemon.stop()
        }

        /// The daemon's open-file limit lowered to 512 and 2,000 half-sent requests from `nobody`:
        /// the uid's cap (64 by default) refuses the rest at connect, so descriptors remain for
        /// root's `status` and the sync listener.
        @Test(.enabled(if: getuid() == 0, "needs root to act as another uid"))
        func aFloodFromOneUIDLeavesStatusAndSyncReachable() throws {
            try Self.flood(extraControl: [], held: 64)
        }

        /// The same with the per-uid cap raised past what the open-file limit allows: the caps
        /// are fitted under it (512 - 256 kept back - 16 reserved = 240).
        @Test(.enabled(if: getuid() == 0, "needs root to act as another uid"))
        func capsAreFittedUnderTheOpenFileLimit() throws {
            try Self.flood(extraControl: ["max_connections = 4000", "max_connections_per_uid = 4000"], held: 240)
        }

        static func flood(extraControl: [String], held: Int) throws {
            let port = try FederationPorts.free(count: 1)[0]
            let site = try SiteDirectory(extraControl: extraControl, extraSections: "[sync]\nlisten = \"127.0.0.1:\(port)\"\n")
            defer { site.remove() }
            let daemon = try DaemonProcess(site: site, launcher: ["/usr/bin/prlimit", "--nofile=512:512"])
            let flood = try FloodProcess(
                site: site, uid: Self.nobody, connections: 2_000, send: #"GET /v1/status HTTP/1.1\r\nHost: ca"#, hold: 8)
            let ready = try flood.ready()
            #expect(ready["connected"] == "2000", "\(ready)")
            // Root keeps its reserve: status answers at once while the flood is held.
            let started = Date()
            #expect(try daemon.client.status().device.ref == "alpha/hq")
            #expect(Date().timeIntervalSince(started) < 5)
            // The sync listener still accepts and answers a TLS handshake.
            if FileManager.default.isExecutableFile(atPath: "/usr/bin/openssl") {
                let handshake = try ProcessRunner.run(
                    "/usr/bin/openssl", ["s_client", "-connect", "127.0.0.1:\(port)", "-tls1_3", "-alpn", "cairn/1"], stdin: "", timeout: 20)
                #expect(handshake.stdout.contains("BEGIN CERTIFICATE"), "\(handshake.stdout)\n\(handshake.stderr)")
            }
            let summary = try flood.summary()
            #expect(summary["open"] == "\(held)", "\(summary)")
            #expect(summary["first_status"] == "503:\(2_000 - held)", "\(summary)")
            let metrics = try daemon.client.metrics()
            #expect(metrics.contains("cairn_control_connections_refused_total{reason=\"too_many_for_uid\"} \(2_000 - held)"), "\(metrics)")
            // No failed accept: every series of the family (there from start) is still at zero.
            let acceptErrors = metrics.split(separator: "\n").filter { $0.hasPrefix("cairn_control_accept_errors_total{") }
            #expect(!acceptErrors.isEmpty && acceptErrors.allSatisfy { $0.hasSuffix(" 0") }, "\(acceptErrors)")
            // One audit entry for the refusals so far, not one per connection.
            let refusals = try daemon.client.auditEntries().filter { $0.kind == "control.connection_refused" }
            #expect(refusals.count == 1, "\(refusals.map(\.detail))")
            #expect(refusals.first?.actor == "uid:\(Self.nobody)")
            try daemon.stop()
        }
    }
}
