import CairnControl
import Foundation
import CairnTestSupport
import Logging
import Testing

@testable import CairnDaemon

/// The check of the stored deltas and audit chain runs after start, in the background: the
/// site serves meanwhile, `status` says it is checking, and its findings appear when it is done.
@Suite(.timeLimit(.minutes(1)))
struct StoreCheckTests {
    @Test func theBackgroundCheckReportsWhatItFindsWhenDone() async throws {
        try await withTemporaryDirectory { directory in
            let config = try SiteFixture.config(in: directory)
            try SiteFixture.withSite(config) { site in
                _ = try site.records.put(PutRecordRequest(id: "a", type: "memo", classification: "SECRET"))
                _ = try site.records.put(PutRecordRequest(id: "b", type: "memo", classification: "SECRET"))
            }
            try sqlite(config.stateDirectory + "/cairn.sqlite", "UPDATE delta SET envelope = substr(envelope, 1, 10) WHERE rowid = (SELECT max(rowid) FROM delta)")
            // Loaded as the daemon loads it: nothing checked yet, so nothing quarantined yet.
            var loader = SiteLoader(config: config, logger: SiteFixture.logger)
            loader.now = { TestKeys.now }
            let site = try loader.load()
            defer { try? site.database.close() }
            let before = try site.status.statusDocument()
            #expect(before.store.quarantinedDeltas == 0 && before.store.problems.isEmpty && !before.store.checking)
            #expect(try site.records.document(id: "b").type == "memo")  // served before the check

            site.storeCheck.schedule()
            #expect(try site.status.statusDocument().store.checking)
            await site.storeCheck.runInBackground(site)
            let after = try site.status.statusDocument()
            #expect(!after.store.checking)
            #expect(after.store.quarantinedDeltas == 1)
            #expect(after.store.problems.contains { $0.contains("quarantined") }, "\(after.store.problems)")
            // The finding is in the audit log too, chained after the start.
            let kinds = try site.database.auditEntries(after: 0, limit: 1000).map(\.kind)
            #expect(kinds.last == "store.delta_quarantined", "\(kinds)")
        }
    }

    @Test func aCancelledCheckStopsAndReportsNothing() throws {
        try SiteFixture.withAlphaSite { site in
            for n in 0..<20 { _ = try site.records.put(PutRecordRequest(id: "r-\(n)", type: "memo", classification: "SECRET")) }
            let check = StoreCheck()
            check.cancel()  // cancelled before it starts: the scan stops at its first delta
            check.run(site)
            #expect(!check.isRunning)
            #expect(check.problems.isEmpty)
        }
    }
}
