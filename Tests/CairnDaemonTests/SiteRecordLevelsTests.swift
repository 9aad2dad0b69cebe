import CairnControl
import CairnModel
import CairnTestSupport
import Foundation
import Testing

@testable import CairnDaemon

/// One id at two levels (Docs/DataModel.md, "One id at several levels"), between two real sites
/// without a network: alpha/hq (SECRET) and bravo/hq (CONFIDENTIAL).
@Suite struct SiteRecordLevelsTests {
    /// Hands everything `from` holds at the levels both may see to `to`.
    static func sync(_ from: Site, to: Site) throws {
        let common = Set(from.identity.readableLevels).intersection(to.identity.readableLevels)
        _ = try to.ingest.ingest(try SiteIngestTests.envelopes(from, levels: common), from: SiteIngestTests.source(from))
    }

    static func digest(_ site: Site, _ level: String) throws -> [UInt8] {
        try #require(try site.status.stateDigest().levels.first { $0.name == level }).digest
    }

    @Test func aLowerSiteCreatesAnIDHeldAboveAndBothConvergeThroughDeclassification() throws {
        try SiteIngestTests.withSites("alpha/hq", "bravo/hq") { alpha, bravo in
            try SiteIngestTests.introduce(alpha, bravo)
            _ = try alpha.records.put(PutRecordRequest(id: "x", type: "report", classification: "SECRET", fields: ["a": 1, "shared": "s"]))
            _ = try bravo.records.put(PutRecordRequest(id: "x", type: "report", classification: "CONFIDENTIAL", fields: ["b": 2, "shared": "c"]))
            try Self.sync(alpha, to: bravo)
            try Self.sync(bravo, to: alpha)

            // alpha holds both records; CONFIDENTIAL agrees at both sites.
            #expect(try Self.digest(alpha, "CONFIDENTIAL") == Self.digest(bravo, "CONFIDENTIAL"))
            #expect(try alpha.records.document(id: "x", level: "CONFIDENTIAL").fields["b"] == 2)
            let highest = try alpha.records.document(id: "x")
            #expect(highest.classification == "SECRET" && highest.alsoHeldAt == ["CONFIDENTIAL"])
            #expect(try alpha.records.listDocuments(level: nil, type: nil, tag: nil, deleted: .exclude).map(\.classification) == ["SECRET", "CONFIDENTIAL"])

            // Writes that name only the id are refused at alpha until they say which record.
            #expect(SiteFixture.refusal { try alpha.records.delete(id: "x") } == .recordAmbiguous)
            #expect(SiteFixture.refusal { try alpha.records.put(PutRecordRequest(id: "x", fields: ["a": 3])) } == .recordAmbiguous)
            #expect(try alpha.records.put(PutRecordRequest(id: "x", classification: "SECRET", fields: ["a": 3])).0.fields["a"] == 3)

            // Declassified into bravo's record: the fields merge, and both sites agree.
            #expect(try alpha.withdrawal.reclassify(id: "x", to: "CONFIDENTIAL").level == "CONFIDENTIAL")
            let moved = try alpha.records.document(id: "x", level: "CONFIDENTIAL")
            #expect(moved.fields["a"] == 3 && moved.fields["b"] == 2)
            try Self.sync(alpha, to: bravo)
            try Self.sync(bravo, to: alpha)
            #expect(try Self.digest(alpha, "CONFIDENTIAL") == Self.digest(bravo, "CONFIDENTIAL"))
            #expect(try bravo.records.document(id: "x") == alpha.records.document(id: "x"))
            #expect(try alpha.records.document(id: "x").alsoHeldAt == nil)
        }
    }

    @Test func theLowerSiteCannotTellAHigherIDFromAnUnusedOne() throws {
        try SiteIngestTests.withSites("alpha/hq", "bravo/hq") { alpha, bravo in
            try SiteIngestTests.introduce(alpha, bravo)
            _ = try alpha.records.put(PutRecordRequest(id: "held", type: "report", classification: "SECRET", fields: ["a": 1]))
            try Self.sync(alpha, to: bravo)
            #expect(SiteFixture.refusal { try bravo.records.document(id: "held") } == SiteFixture.refusal { try bravo.records.document(id: "unused") })
            let (held, createdHeld) = try bravo.records.put(PutRecordRequest(id: "held", type: "report", classification: "CONFIDENTIAL", fields: ["b": 1]))
            let (unused, createdUnused) = try bravo.records.put(
                PutRecordRequest(id: "unused", type: "report", classification: "CONFIDENTIAL", fields: ["b": 1]))
            #expect(createdHeld && createdUnused)
            #expect(held.fields == unused.fields && held.alsoHeldAt == nil)
        }
    }
}
