import CairnControl
import CairnProtocol
import CairnTestSupport
import Foundation
import Testing

extension IntegrationSuite {
    /// A real daemon whose audit log loses its newest entries: with the daemon stopped (caught by
    /// the anchor) or running (caught by the daemon itself), `cairn audit verify` exits 1, status
    /// and the metric show the break, writes keep working, and only an acknowledgement clears it,
    /// across restarts.
    @Suite(.serialized, .timeLimit(.minutes(3)))
    struct AuditBreakTests {
        private func cairn(_ site: SiteDirectory, _ arguments: [String]) throws -> ProcessResult {
            try ProcessRunner.run(Binaries.cairn, arguments + ["--socket", site.socket])
        }

        private func sqlite(_ site: SiteDirectory, _ sql: String) throws {
            let result = try ProcessRunner.run("/usr/bin/sqlite3", [site.state + "/cairn.sqlite", sql])
            #expect(result.status == 0, "sqlite3: \(result.stderr)")
        }

        private func breaksMetric(_ daemon: DaemonProcess) throws -> String? {
            try daemon.client.metrics().split(separator: "\n").first { $0.hasPrefix("cairn_audit_chain_breaks ") }.map(String.init)
        }

        @Test func aTailCutWhileStoppedFailsVerifyUntilAcknowledged() throws {
            let site = try SiteDirectory()
            defer { site.remove() }
            var daemon = try DaemonProcess(site: site)
            for n in 0..<4 {
                _ = try daemon.client.putRecord(PutRecordRequest(id: "r\(n)", type: "note", classification: "SECRET", fields: ["n": .int(Int64(n))]))
            }
            let head = try #require(try daemon.client.auditEntries().last).seq
            try daemon.stop()
            try sqlite(site, "DELETE FROM audit WHERE seq > \(head - 2)")

            daemon = try DaemonProcess(site: site)
            let verify = try cairn(site, ["audit", "verify"])
            #expect(verify.status == 1, "verify: \(verify.stdout)")
            #expect(verify.stdout.contains("chain break at entry \(head + 1) (anchor)"), "\(verify.stdout)")
            #expect(verify.stdout.contains("acknowledge --break \(head + 1)"), "\(verify.stdout)")
            let status = try cairn(site, ["status"])
            #expect(status.status == 0 && status.stdout.contains("1 unacknowledged chain break"), "\(status.stdout)")
            #expect(try daemon.client.status().store.problems.contains { $0.contains("unacknowledged chain break") })
            #expect(try breaksMetric(daemon) == "cairn_audit_chain_breaks 1.0")
            // Writes go on, after the break entry.
            _ = try daemon.client.putRecord(PutRecordRequest(id: "after", type: "note", classification: "SECRET"))
            let kinds = try daemon.client.auditEntries(after: head - 2).map(\.kind)
            #expect(kinds.first == "audit.chain_break" && kinds.last == "record.put", "\(kinds)")

            // Unacknowledged, the break survives a restart.
            try daemon.stop()
            daemon = try DaemonProcess(site: site)
            #expect(try cairn(site, ["audit", "verify"]).status == 1)
            #expect(try breaksMetric(daemon) == "cairn_audit_chain_breaks 1.0")

            let acknowledge = try cairn(site, ["audit", "acknowledge", "--break", "\(head + 1)"])
            #expect(acknowledge.status == 0, "acknowledge: \(acknowledge.stdout) \(acknowledge.stderr)")
            #expect(acknowledge.stdout.contains("acknowledged by uid:\(getuid())"), "\(acknowledge.stdout)")
            let again = try cairn(site, ["audit", "acknowledge", "--break", "\(head + 1)"])
            #expect(again.status == 1, "a second acknowledgement is refused")
            let verified = try cairn(site, ["audit", "verify"])
            #expect(verified.status == 0, "verify after acknowledging: \(verified.stdout)")
            #expect(try breaksMetric(daemon) == "cairn_audit_chain_breaks 0.0")
            #expect(try daemon.client.status().store.problems.isEmpty)
            try daemon.stop()
            daemon = try DaemonProcess(site: site)
            #expect(try cairn(site, ["audit", "verify"]).status == 0)
            try daemon.stop()
        }

        @Test func aTailCutWhileRunningLeavesWritesWorking() throws {
            let site = try SiteDirectory()
            defer { site.remove() }
            let daemon = try DaemonProcess(site: site)
            _ = try daemon.client.putRecord(PutRecordRequest(id: "first", type: "note", classification: "SECRET"))
            let head = try #require(try daemon.client.auditEntries().last).seq
            try sqlite(site, "DELETE FROM audit WHERE seq > \(head - 2)")
            // Before, every write failed here until a restart ("does not continue the chain").
            _ = try daemon.client.putRecord(PutRecordRequest(id: "second", type: "note", classification: "SECRET"))
            _ = try daemon.client.putRecord(PutRecordRequest(id: "third", type: "note", classification: "SECRET"))
            let verify = try cairn(site, ["audit", "verify", "--json"])
            #expect(verify.status == 1)
            let document = try ControlJSON.decoder().decode(AuditVerifyDocument.self, from: Data(verify.stdout.utf8))
            #expect(document.breaks.map(\.source) == ["daemon"] && document.breaks.first?.expectedSeq == head, "\(document.breaks)")
            #expect(document.brokenAt == nil, "the chain itself verifies")
            try daemon.stop()
        }
    }
}
