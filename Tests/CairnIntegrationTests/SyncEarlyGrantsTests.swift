import CairnControl
import CairnTestSupport
import Foundation
import Testing

extension IntegrationSuite {
    /// A device met for the first time gets its keys ahead of the backlog (issue 15, item 1):
    /// the grant the holder writes at its admission is the newest delta of the holder's stream,
    /// behind every record the device lacks, so it is also sent in an `EarlyGrants` frame. The
    /// device then merges the records as they arrive, instead of storing all of them unapplied
    /// and opening them again once the grant arrives last.
    @Suite struct SyncEarlyGrantsTests {
        @Test func aNewDeviceTakesItsKeyBeforeTheBacklog() throws {
            var options = Federation.Options()
            options.meshed = false
            let federation = try Federation(devices: ["alpha/hq", "alpha/laptop"], options: options)
            defer { federation.shutdown() }
            let hq = federation.member("alpha/hq")
            let laptop = federation.member("alpha/laptop")
            // The HQ writes before it ever meets the laptop: no grant for it exists yet.
            let count = 1_200  // over `IngestService.applyRun`, so that a backlog applied would be logged
            for n in 0..<count {
                _ = try hq.client.putRecord(
                    PutRecordRequest(id: "r\(n)", type: "note", classification: "SECRET", fields: ["n": .int(Int64(n))]))
            }
            _ = try laptop.client.addPeer(AddPeerRequest(name: "hq", address: hq.address))
            try FederationWait.until("the laptop holds every record", timeout: 60) {
                let held = try laptop.client.listRecords(class: "SECRET").count
                return held == count ? nil : "\(held) of \(count)"
            }
            let received = try laptop.client.auditEntries().filter { $0.kind == "keys.received" }
            #expect(received.contains { $0.detail.contains("\"early\":\"yes\"") }, "\(received.map(\.detail))")
            // Nothing waited for the key: no backlog was opened again after the grant.
            let log = try String(contentsOfFile: laptop.site.log, encoding: .utf8)
            #expect(!log.contains("keys.backlog_applied"), "the laptop applied a backlog")
            #expect(try laptop.client.getRecord(id: "r\(count - 1)").fields["n"] == .int(Int64(count - 1)))
        }
    }
}
