import CairnControl
import CairnTestSupport
import Foundation
import Testing

@testable import CairnDaemon

/// A store error on a security path fails the job (issue 13, item 8): the ingest batch is
/// refused whole and nothing of it is stored, instead of a read failure being taken for "not
/// withdrawn", "not held" or "not stored yet".
@Suite struct SiteFailClosedTests {
    /// Runs SQL on the store file through another connection (as damage or an outside hand would).
    static func damage(_ site: Site, _ sql: String) throws {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/sqlite3")
        process.arguments = [site.database.path, sql]
        try process.run()
        process.waitUntilExit()
        try #require(process.terminationStatus == 0)
    }

    @Test func anIngestBatchFailsWholeWhenTheWithdrawalsCannotBeRead() throws {
        try SiteIngestTests.withSites("alpha/hq", "alpha/laptop") { hq, laptop in
            try SiteIngestTests.introduce(hq, laptop)
            _ = try hq.records.put(PutRecordRequest(id: "w-1", type: "note", classification: "SECRET", fields: ["n": 1]))
            let envelopes = try SiteIngestTests.envelopes(hq, levels: ["SECRET"])
            let before = try laptop.database.streamHeads()
            // The table that says which records were withdrawn can no longer be read.
            try Self.damage(laptop, "DROP TABLE withdrawn;")
            #expect(throws: SiteError.self) { _ = try laptop.ingest.ingest(envelopes, from: SiteIngestTests.source(hq)) }
            #expect(try laptop.database.streamHeads() == before, "nothing of the batch is stored")
            #expect(SiteFixture.refusal { try laptop.records.document(id: "w-1") } == .internal)
        }
    }
}
