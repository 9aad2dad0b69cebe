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
                _ = try site.records.put(PutRecordRequest(id: "r-\(n)", type: "note", classification: "SECRET", fields: ["n": .int(Int64(n))]))
            }
            _ = try site.records.delete(id: "r-0")
            _ = try site.records.delete(id: "r-1")
            site.ledger.amend { $0.deletedCounts = nil }  // as in a store without a tally
            // While the count runs, the mutex is free: taking it here (on the counting thread,
            // as the event loop would on another) would deadlock if the count held it.
            var probes = 0
            let (_, counts) = try site.status.deletedCountsAndKeyring(eachRecord: {
                site.ledger.read { _ in probes += 1 }
            })
            #expect(probes == 6)
            #expect(counts["SECRET"] == 2)
            // Kept (nothing was written meanwhile), then kept current by the write path.
            #expect(site.ledger.read { $0.deletedCounts?["SECRET"] } == 2)
            _ = try site.records.delete(id: "r-2")
            #expect(try site.status.statusDocument().levels.first { $0.name == "SECRET" }?.deletedRecords == 3)
        }
    }

    /// Callers that arrive while a count runs wait for it instead of counting again: each
    /// `status` call counting on its own made a million records take four minutes.
    @Test func concurrentCallersShareOneCount() throws {
        try SiteFixture.withAlphaSite { site in
            for n in 0..<6 {
                _ = try site.records.put(PutRecordRequest(id: "r-\(n)", type: "note", classification: "SECRET", fields: [:]))
            }
            _ = try site.records.delete(id: "r-0")
            site.ledger.amend { $0.deletedCounts = nil }
            let visits = Mutexed(0)
            let results = Mutexed<[[String: Int]]>([])
            concurrently(4) { _ in
                let counts = try? site.status.deletedCountsAndKeyring(eachRecord: {
                    visits.update { $0 += 1 }
                    usleep(2_000)
                }).1
                results.update { $0.append(counts ?? [:]) }
            }
            #expect(visits.value == 6, "every caller counted on its own")
            #expect(results.value == Array(repeating: ["SECRET": 1], count: 4))
        }
    }

    @Test func aCountTakenWhileRecordsChangeIsNotKept() throws {
        try SiteFixture.withAlphaSite { site in
            for n in 0..<3 {
                _ = try site.records.put(PutRecordRequest(id: "r-\(n)", type: "note", classification: "SECRET", fields: [:]))
            }
            site.ledger.amend { $0.deletedCounts = nil }  // as in a store without a tally
            var deletedDuringCount = false
            _ = try site.status.deletedCountsAndKeyring(eachRecord: {
                guard !deletedDuringCount else { return }
                deletedDuringCount = true
                _ = try? site.records.delete(id: "r-2")
            })
            #expect(site.ledger.read { $0.deletedCounts } == nil, "a count that raced a delete was cached")
            #expect(try site.status.statusDocument().levels.first { $0.name == "SECRET" }?.deletedRecords == 1)
        }
    }
}
