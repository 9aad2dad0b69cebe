import CairnControl
import Foundation
import Testing

extension IntegrationSuite {
    /// `GET /metrics` and `cairn metrics` from a real daemon.
    @Suite(.serialized)
    struct MetricsTests {
        @Test func metricsCountWritesRequestsAndDescribeTheStore() throws {
            let site = try SiteDirectory()
            defer { site.remove() }
            let daemon = try DaemonProcess(site: site)
            for n in 0..<3 {
                _ = try daemon.client.putRecord(PutRecordRequest(id: "m\(n)", type: "note", classification: "SECRET", fields: ["n": .int(Int64(n))]))
            }
            _ = try? daemon.client.getRecord(id: "missing")
            let result = try ProcessRunner.run(Binaries.cairn, ["metrics", "--socket", site.socket])
            #expect(result.status == 0, "\(result.stderr)")
            let lines = Set(result.stdout.split(separator: "\n").map(String.init))
            // Three records and the grant of the key the first one minted.
            #expect(lines.contains(#"cairn_deltas_stored_total{level="SECRET",origin="local"} 4"#))
            #expect(lines.contains(#"cairn_key_grant_deltas_total{level="SECRET"} 1"#))
            #expect(lines.contains(#"cairn_control_requests_total{route="records.put",status="201"} 3"#))
            #expect(lines.contains(#"cairn_control_requests_total{route="records.get",status="404"} 1"#))
            #expect(lines.contains(#"cairn_records{level="SECRET"} 3.0"#))
            #expect(lines.contains(#"cairn_key_epoch{level="SECRET"} 1.0"#))
            #expect(lines.contains { $0.hasPrefix("cairn_store_size_bytes ") })
            #expect(lines.contains("# TYPE cairn_deltas_stored_total counter"))
            // Nothing above a level's name and counts: no record ids or contents.
            #expect(!result.stdout.contains("m1"))
            try daemon.stop()
        }
    }
}

extension IntegrationSuite.MetricsTests {
    /// A quiet daemon, before anything happened: every family that alerting relies on is there at
    /// zero, each with `# HELP` and `# TYPE`, and Prometheus's own linter accepts the exposition.
    @Test func aQuietDaemonExposesEveryAlertSeriesAtZeroAndPassesPromtool() throws {
        let site = try SiteDirectory()
        defer { site.remove() }
        let daemon = try DaemonProcess(site: site)
        defer { try? daemon.stop() }
        let result = try ProcessRunner.run(Binaries.cairn, ["metrics", "--socket", site.socket])
        #expect(result.status == 0, "\(result.stderr)")
        let text = result.stdout
        let lines = Set(text.split(separator: "\n").map(String.init))
        for series in [
            #"cairn_deltas_rejected_total{reason="bad_signature"} 0"#, "cairn_sync_equivocations_total 0",
            "cairn_sync_certificates_refused_total 0", "cairn_commit_failures_total 0",
            #"cairn_sync_connection_errors_total{reason="handshake"} 0"#, #"cairn_sync_round_failures_total{reason="local_limit"} 0"#,
            #"cairn_sync_connections_refused_total{reason="revoked"} 0"#, #"cairn_store_failures_total{path="ingest"} 0"#,
            "cairn_audit_anchor_write_failures_total 0", #"cairn_deltas_stored_total{level="SECRET",origin="peer"} 0"#,
        ] {
            #expect(lines.contains(series), "missing at start: \(series)")
        }
        #expect(lines.contains { $0.hasPrefix(#"cairn_build_info{version=""#) && $0.hasSuffix(" 1.0") })
        let expiry = lines.first { $0.hasPrefix("cairn_certificate_expiry_seconds ") }.flatMap { Double($0.split(separator: " ")[1]) }
        let status = try daemon.client.status()
        let expected = ISO8601DateFormatter().date(from: status.certificateExpires)?.timeIntervalSince1970
        #expect(expiry != nil && expiry == expected, "expiry \(String(describing: expiry)) against the certificate's \(status.certificateExpires)")
        // Every family has both header lines.
        let typed = lines.filter { $0.hasPrefix("# TYPE ") }.map { $0.split(separator: " ")[2] }
        let helped = Set(lines.filter { $0.hasPrefix("# HELP ") }.map { $0.split(separator: " ")[2] })
        #expect(!typed.isEmpty)
        for family in typed { #expect(helped.contains(family), "no # HELP for \(family)") }
        // Prometheus's own check (Debian's `prometheus` package; `make test` installs it).
        let promtool = ["/usr/bin/promtool", "/usr/local/bin/promtool"].first { FileManager.default.isExecutableFile(atPath: $0) }
        #expect(promtool != nil, "promtool is not installed: `make test` installs Debian's prometheus package")
        if let promtool {
            let checked = try ProcessRunner.run(promtool, ["check", "metrics"], stdin: text)
            #expect(checked.status == 0 && checked.stdout.isEmpty && checked.stderr.isEmpty, "promtool: \(checked.stdout) \(checked.stderr)")
        }
    }
}
