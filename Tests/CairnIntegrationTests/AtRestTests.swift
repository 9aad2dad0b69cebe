import CairnControl
import Foundation
import Testing

extension IntegrationSuite {
    /// Nothing a user wrote is readable in any file under the state directory, from a real daemon
    /// (database, WAL and shared-memory files included).
    @Suite(.serialized)
    struct AtRestTests {
        @Test func noPlaintextUnderTheStateDirectory() throws {
            let site = try SiteDirectory()
            defer { site.remove() }
            let daemon = try DaemonProcess(site: site)
            let canaries = ["canary-type-7f3a", "CanaryFieldValue-91b2", "canary-tag-c4d8", "canary-id-5e6f", "CanaryNested-aa01"]
            for (index, level) in ["UNCLASSIFIED", "RESTRICTED", "CONFIDENTIAL", "SECRET"].enumerated() {
                _ = try daemon.client.putRecord(
                    PutRecordRequest(
                        id: "\(canaries[3])-\(index)", type: canaries[0], classification: level,
                        fields: ["summary": .string(canaries[1]), "detail": .object(["inner": .string(canaries[4])])],
                        tags: [canaries[2]]))
            }
            _ = try daemon.client.deleteRecord(id: "\(canaries[3])-0")
            // Scan while running (WAL not yet checkpointed) and after a clean stop.
            try assertNoCanary(canaries, in: site)
            try daemon.stop()
            try assertNoCanary(canaries, in: site)
        }

        private func assertNoCanary(_ canaries: [String], in site: SiteDirectory) throws {
            let files = try site.stateFiles()
            #expect(!files.isEmpty)
            for (name, data) in files {
                for canary in canaries {
                    #expect(data.range(of: Data(canary.utf8)) == nil, "\(canary) readable in \(name)")
                    #expect(data.range(of: Data(canary.lowercased().utf8)) == nil, "\(canary) readable in \(name)")
                }
            }
        }
    }
}
