import CairnControl
import CairnTestSupport
import Foundation
import Testing

@testable import CairnDaemon

/// The first `status` opens every record to count the deleted ones. That count must not hold
/// the site's mutex: with it held the daemon answered nothing (writes, sync admission, other
/// status calls) for as long as the count took, 30 s and more on a large store after a restart.
@Suite(.timeLimit(.minutes(1)))
struct SiteDeletedCountTests {
    @Test func countingDeletedRecordsLeavesTheSiteUsable() throws {
        try SiteFixture.withAlphaSite { site in
            for n in 0..<6 {
                _ = try site.put(PutRecordRequest(id: "r-\(n)", type: "note", classification: "SECRET", fields: ["n": .int(Int64(n))]))
            }
            _ = try site.delete(id: "r-0")
            _ = try site.delete(id: "r-1")
            // While the count runs, the mutex is free: taking it here (on the counting thread,
            // as the event loop would on another) would deadlock if the count held it.
            var probes = 0
            let (_, counts) = try site.deletedCountsAndKeyring(eachRecord: {
                site.state.withLock { _ in probes += 1 }
            })
            #expect(probes == 6)
            #expect(counts["SECRET"] == 2)
            // Kept (nothing was written meanwhile), then kept current by the write path.
            #expect(site.state.withLock { $0.deletedCounts?["SECRET"] } == 2)
            _ = try site.delete(id: "r-2")
            #expect(try site.status().levels.first { $0.name == "SECRET" }?.deletedRecords == 3)
        }
    }

    @Test func aCountTakenWhileRecordsChangeIsNotKept() throws {
        try SiteFixture.withAlphaSite { site in
            for n in 0..<3 {
                _ = try site.put(PutRecordRequest(id: "r-\(n)", type: "note", classification: "SECRET", fields: [:]))
            }
            var deletedDuringCount = false
            _ = try site.deletedCountsAndKeyring(eachRecord: {
                guard !deletedDuringCount else { return }
                deletedDuringCount = true
                _ = try? site.delete(id: "r-2")
            })
            #expect(site.state.withLock { $0.deletedCounts } == nil, "a count that raced a delete was cached")
            #expect(try site.status().levels.first { $0.name == "SECRET" }?.deletedRecords == 1)
        }
    }
}
