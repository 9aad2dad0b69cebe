import CairnControl
import CairnTestSupport
import Foundation
import Testing

@testable import CairnDaemon

/// The deleted-record counts are kept in the store, sealed, and moved by every group that
/// writes records, so that a restart does not open every record to count them (most of a minute
/// with a million records). They must stay exact through every path that changes a record row.
@Suite struct SiteDeletedTallyTests {
    @Test func theTallyIsKeptInTheStoreAcrossARestart() throws {
        try withTemporaryDirectory { directory in
            let config = try SiteFixture.config(in: directory)
            try SiteFixture.withSite(config) { site in
                for n in 0..<5 { _ = try site.records.put(PutRecordRequest(id: "r-\(n)", type: "note", classification: "SECRET")) }
                _ = try site.records.delete(id: "r-0")
                _ = try site.status.statusDocument()  // no tally yet in a new store: counted, then written
                _ = try site.records.delete(id: "r-1")
                _ = try site.records.put(PutRecordRequest(id: "c-0", type: "note", classification: "CONFIDENTIAL"))
                _ = try site.records.delete(id: "c-0")
                let sealed = try #require(try site.database.meta(MetaKey.deletedTally))
                // Sealed: neither the level names nor the counts are readable in the file.
                #expect(!String(decoding: sealed, as: UTF8.self).contains("SECRET"))
            }
            try SiteFixture.withSite(config) { site in
                // Known from the store before anything counted.
                #expect(site.ledger.read { $0.deletedCounts } == ["SECRET": 2, "CONFIDENTIAL": 1])
                let secret = try #require(try site.status.statusDocument().levels.first { $0.name == "SECRET" })
                #expect(secret.deletedRecords == 2 && secret.records == 3)
            }
        }
    }

    @Test func theTallyFollowsRetractionAndReclassificationOfDeletedRecords() throws {
        try SiteFixture.withAlphaSite { site in
            for n in 0..<4 { _ = try site.records.put(PutRecordRequest(id: "r-\(n)", type: "note", classification: "SECRET")) }
            _ = try site.status.statusDocument()
            for n in 0..<3 { _ = try site.records.delete(id: "r-\(n)") }
            try expectTallyMatchesACount(site)
            // A deleted record withdrawn from its level leaves the count with it.
            _ = try site.withdrawal.retract(id: "r-0", reason: "entered in error")
            try expectTallyMatchesACount(site)
            // A deleted record moved to another level is counted there.
            _ = try site.withdrawal.reclassify(id: "r-1", to: "CONFIDENTIAL")
            try expectTallyMatchesACount(site)
            let levels = try site.status.statusDocument().levels
            let secret = try #require(levels.first { $0.name == "SECRET" })
            let confidential = try #require(levels.first { $0.name == "CONFIDENTIAL" })
            #expect(secret.deletedRecords == 1 && secret.records == 1)
            #expect(confidential.deletedRecords == 1 && confidential.records == 0)
        }
    }

    /// A deleted record that arrives already deleted (a declassification's snapshot, at a site
    /// that did not hold it) is counted: the group notes that no row was stored before it.
    @Test func aRecordReceivedAlreadyDeletedIsCounted() throws {
        try SiteIngestTests.withSites("alpha/hq", "bravo/hq") { alpha, bravo in
            try SiteIngestTests.introduce(alpha, bravo)
            _ = try bravo.status.statusDocument()  // the tally exists from here on
            _ = try alpha.records.put(PutRecordRequest(id: "gone", type: "note", classification: "SECRET"))
            _ = try alpha.records.delete(id: "gone")
            _ = try alpha.withdrawal.reclassify(id: "gone", to: "CONFIDENTIAL")
            let common = Set(bravo.identity.readableLevels)
            _ = try bravo.ingest.ingest(try SiteIngestTests.envelopes(alpha, levels: common), from: SiteIngestTests.source(alpha))
            #expect(try bravo.records.document(id: "gone").isDeleted)
            try expectTallyMatchesACount(bravo)
        }
    }

    @Test func aDamagedTallyIsCountedAgain() throws {
        try withTemporaryDirectory { directory in
            let config = try SiteFixture.config(in: directory)
            try SiteFixture.withSite(config) { site in
                for n in 0..<3 { _ = try site.records.put(PutRecordRequest(id: "r-\(n)", type: "note", classification: "SECRET")) }
                _ = try site.records.delete(id: "r-2")
                _ = try site.status.statusDocument()
                var sealed = try #require(try site.database.meta(MetaKey.deletedTally))
                sealed[sealed.count - 1] ^= 1
                try site.database.setMeta(MetaKey.deletedTally, sealed)
            }
            try SiteFixture.withSite(config) { site in
                // Not taken from the damaged tally: counted again by the check after start.
                #expect(site.ledger.read { $0.deletedCounts } == ["SECRET": 1])
                let secret = try site.status.statusDocument().levels.first { $0.name == "SECRET" }
                #expect(secret?.deletedRecords == 1)
            }
        }
    }

    /// The maintained counts equal a fresh count of the records (zeros aside).
    private func expectTallyMatchesACount(_ site: Site, sourceLocation: SourceLocation = #_sourceLocation) throws {
        let kept = site.ledger.amend { state -> [String: Int]? in
            defer { state.deletedCounts = nil }
            return state.deletedCounts
        }
        let (_, counted) = try site.status.deletedCountsAndKeyring()
        #expect(kept?.filter { $0.value != 0 } == counted.filter { $0.value != 0 }, sourceLocation: sourceLocation)
    }
}
