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
