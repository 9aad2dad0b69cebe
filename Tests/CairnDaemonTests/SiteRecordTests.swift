import CairnControl
import CairnTestSupport
import Foundation
import Testing

@testable import CairnDaemon

/// The record operations of a site loaded from real files (alpha/hq, cleared SECRET).
@Suite struct SiteRecordTests {
    @Test func putCreatesARecordWithAGeneratedID() throws {
        try SiteFixture.withAlphaSite { site in
            let (document, created) = try site.records.put(
                PutRecordRequest(
                    type: "incident", classification: "SECRET",
                    fields: ["title": "Convoy stopped", "casualties": 0, "position": ["lat": 1.5, "lon": -2.25]],
                    tags: ["urgent", "north"]))
            #expect(created)
            #expect(document.id.count == 26)
            #expect(document.type == "incident")
            #expect(document.classification == "SECRET")
            #expect(document.fields == ["title": "Convoy stopped", "casualties": 0, "position": ["lat": 1.5, "lon": -2.25]])
            #expect(document.tags == ["north", "urgent"])
            #expect(document.deleted == nil)
            #expect(document.conflicts.isEmpty)
            #expect(document.created.by == "alpha/hq")
            #expect(document.created.device == site.identity.deviceID.hex)
            #expect(document.created == document.updated)
            #expect(try site.records.document(id: document.id) == document)

            let (second, _) = try site.records.put(PutRecordRequest(type: "note", classification: "UNCLASSIFIED"))
            #expect(second.id != document.id)
            #expect(second.fields.isEmpty && second.tags.isEmpty)
        }
    }

    @Test func putWithAnIDUpdatesOnlyWhatItNames() throws {
        try SiteFixture.withAlphaSite { site in
            let (original, created) = try site.records.put(
                PutRecordRequest(
                    id: "r-1", type: "incident", classification: "RESTRICTED", fields: ["title": "A", "count": 1, "gone": true],
                    tags: ["keep", "drop"]))
            #expect(created)
            #expect(original.id == "r-1")

            let (updated, createdAgain) = try site.records.put(PutRecordRequest(id: "r-1", fields: ["count": 2]))
            #expect(!createdAgain)
            #expect(updated.type == "incident")
            #expect(updated.classification == "RESTRICTED")
            #expect(updated.fields == ["title": "A", "count": 2, "gone": true])
            #expect(updated.tags == ["drop", "keep"])
            #expect(updated.created == original.created)
            #expect(updated.updated.hlc != original.updated.hlc)

            // null removes a field; tags are added and removed; the classification may be repeated.
            let (edited, _) = try site.records.put(
                PutRecordRequest(
                    id: "r-1", classification: "RESTRICTED", fields: ["gone": nil], tags: ["new"], removeTags: ["drop"]))
            #expect(edited.fields == ["title": "A", "count": 2])
            #expect(edited.tags == ["keep", "new"])

            // A put that changes nothing writes nothing.
            let deltasBefore = try site.status.statusDocument().deltas
            let (same, createdNothing) = try site.records.put(PutRecordRequest(id: "r-1", type: "incident", fields: [:], tags: []))
            #expect(!createdNothing)
            #expect(same == edited)
            #expect(try site.status.statusDocument().deltas == deltasBefore)
            #expect(try site.records.document(id: "r-1") == edited)
        }
    }

    @Test func refusesWhatTheContractRefuses() throws {
        try SiteFixture.withAlphaSite { site in
            _ = try site.records.put(PutRecordRequest(id: "doc", type: "memo", classification: "CONFIDENTIAL"))
            #expect(SiteFixture.refusal { try site.records.put(PutRecordRequest(id: "doc", classification: "SECRET")) } == .classificationMismatch)
            #expect(SiteFixture.refusal { try site.records.put(PutRecordRequest(id: "doc", classification: "TOP_SECRET")) } == .unknownLevel)
            #expect(SiteFixture.refusal { try site.records.put(PutRecordRequest(type: "memo", classification: "COSMIC")) } == .unknownLevel)
            #expect(SiteFixture.refusal { try site.records.put(PutRecordRequest(type: "memo")) } == .invalidRecord)  // no level
            #expect(SiteFixture.refusal { try site.records.put(PutRecordRequest(id: "new", classification: "SECRET")) } == .invalidRecord)  // no type
            #expect(SiteFixture.refusal { try site.records.put(PutRecordRequest(id: "bad id!", type: "memo", classification: "SECRET")) } == .invalidRecord)
            #expect(SiteFixture.refusal { try site.records.put(PutRecordRequest(type: "Memo", classification: "SECRET")) } == .invalidRecord)
            #expect(SiteFixture.refusal { try site.records.put(PutRecordRequest(id: "doc", fields: ["bad name": 1])) } == .invalidRecord)
            let oversize = JSONValue.string(String(repeating: "x", count: 70_000))
            #expect(SiteFixture.refusal { try site.records.put(PutRecordRequest(id: "doc", fields: ["body": oversize])) } == .invalidRecord)
            #expect(SiteFixture.refusal { try site.records.put(PutRecordRequest(id: "doc", tags: ["two words"])) } == .invalidRecord)
            #expect(SiteFixture.refusal { try site.records.put(PutRecordRequest(id: "doc", tags: ["x"], removeTags: ["x"])) } == .invalidRecord)
            #expect(SiteFixture.refusal { try site.records.listDocuments(level: "COSMIC", type: nil, tag: nil, deleted: .exclude) } == .unknownLevel)
            // Nothing refused changed the record.
            let document = try site.records.document(id: "doc")
            #expect(document.fields.isEmpty && document.tags.isEmpty && document.classification == "CONFIDENTIAL")
        }
    }

    @Test func deletedRecordsStayReadableButFinal() throws {
        try SiteFixture.withAlphaSite { site in
            _ = try site.records.put(PutRecordRequest(id: "gone", type: "memo", classification: "SECRET", fields: ["a": 1]))
            let deleted = try site.records.deleteDocument(id: "gone")
            #expect(deleted.deleted != nil)
            #expect(deleted.fields == ["a": 1])
            #expect(try site.records.document(id: "gone").deleted == deleted.deleted)
            #expect(SiteFixture.refusal { try site.records.put(PutRecordRequest(id: "gone", fields: ["a": 2])) } == .recordDeleted)
            #expect(SiteFixture.refusal { try site.records.delete(id: "gone") } == .recordDeleted)
        }
    }

    @Test func unknownRecordsAreNotFound() throws {
        try SiteFixture.withAlphaSite { site in
            #expect(SiteFixture.refusal { try site.records.document(id: "nope") } == .recordNotFound)
            #expect(SiteFixture.refusal { try site.records.historyEntries(id: "nope") } == .recordNotFound)
            #expect(SiteFixture.refusal { try site.records.delete(id: "nope") } == .recordNotFound)
            #expect(SiteFixture.refusal { try site.records.document(id: "not/valid") } == .invalidRecord)
        }
    }

    @Test func aboveClearanceIsRefused() throws {
        try withTemporaryDirectory { directory in
            let config = try SiteFixture.config(in: directory, device: "bravo/hq")
            try SiteFixture.withSite(config) { site in
                #expect(site.identity.clearance == "CONFIDENTIAL")
                #expect(SiteFixture.refusal { try site.records.put(PutRecordRequest(type: "memo", classification: "SECRET")) } == .aboveClearance)
                #expect(SiteFixture.refusal { try site.records.listDocuments(level: "SECRET", type: nil, tag: nil, deleted: .include) } == .aboveClearance)
                let (document, _) = try site.records.put(PutRecordRequest(type: "memo", classification: "CONFIDENTIAL"))
                #expect(document.created.by == "bravo/hq")
                let status = try site.status.statusDocument()
                #expect(status.levels.map(\.name) == ["UNCLASSIFIED", "RESTRICTED", "CONFIDENTIAL"])
                #expect(status.deltas == 1 + 1)  // the grant of the key minted for the write, the record
            }
        }
    }

    @Test func listFiltersByClassTypeTagAndDeletion() throws {
        try SiteFixture.withAlphaSite { site in
            _ = try site.records.put(PutRecordRequest(id: "c", type: "incident", classification: "SECRET", tags: ["north"]))
            _ = try site.records.put(PutRecordRequest(id: "a", type: "incident", classification: "UNCLASSIFIED", tags: ["north", "urgent"]))
            _ = try site.records.put(PutRecordRequest(id: "b", type: "note", classification: "SECRET", tags: ["urgent"]))
            _ = try site.records.put(PutRecordRequest(id: "d", type: "incident", classification: "SECRET", tags: ["north"]))
            _ = try site.records.delete(id: "d")
            _ = try site.records.put(PutRecordRequest(id: "a", removeTags: ["north"]))

            func ids(_ level: String? = nil, _ type: String? = nil, _ tag: String? = nil, _ deleted: CairnDaemon.DeletedFilter = .exclude)
                throws -> [String]
            {
                try site.records.listDocuments(level: level, type: type, tag: tag, deleted: deleted).map(\.id)
            }
            #expect(try ids() == ["a", "b", "c"])
            #expect(try ids(nil, nil, nil, .include) == ["a", "b", "c", "d"])
            #expect(try ids(nil, nil, nil, .only) == ["d"])
            #expect(try ids("SECRET") == ["b", "c"])
            #expect(try ids("UNCLASSIFIED") == ["a"])
            #expect(try ids("CONFIDENTIAL") == [])
            #expect(try ids(nil, "incident") == ["a", "c"])
            #expect(try ids(nil, "incident", nil, .include) == ["a", "c", "d"])
            #expect(try ids(nil, nil, "north") == ["c"])  // a's north tag was removed
            #expect(try ids(nil, nil, "urgent") == ["a", "b"])
            #expect(try ids("SECRET", "incident", "north", .include) == ["c", "d"])
            #expect(try ids(nil, "unknown-type") == [])
        }
    }

    @Test func historyListsEveryDeltaWithItsOperations() throws {
        try SiteFixture.withAlphaSite { site in
            _ = try site.records.put(
                PutRecordRequest(id: "h", type: "incident", classification: "SECRET", fields: ["b": 1, "a": "x"], tags: ["t1"]))
            _ = try site.records.put(PutRecordRequest(id: "other", type: "note", classification: "SECRET"))
            _ = try site.records.put(PutRecordRequest(id: "h", fields: ["a": nil, "b": 2], tags: ["t2"], removeTags: ["t1"]))
            _ = try site.records.delete(id: "h")

            let history = try site.records.historyEntries(id: "h")
            #expect(history.count == 3)
            #expect(history.map(\.operations) == [
                [.setType("incident"), .setField(field: "a", value: "x"), .setField(field: "b", value: 1), .addTag("t1")],
                [.removeField("a"), .setField(field: "b", value: 2), .addTag("t2"), .removeTag("t1")],
                [.delete],
            ])
            // SECRET stream: the grant is 1, then h, other, h, h.
            #expect(history.map(\.sequence) == [2, 4, 5])
            #expect(history.allSatisfy { $0.level == "SECRET" && $0.author.by == "alpha/hq" && $0.delta.count == 64 })
            #expect(Set(history.map(\.delta)).count == 3)
            let hlcs = history.map(\.hlc)
            #expect(hlcs == hlcs.sorted { Self.hlcLess($0, $1) })
            #expect(try site.records.historyEntries(id: "other").count == 1)
        }
    }

    @Test func statusCountsRecordsDeltasAndDeletions() throws {
        try SiteFixture.withAlphaSite { site in
            let fresh = try site.status.statusDocument()
            #expect(fresh.records == 0)
            #expect(fresh.deltas == 0)  // no key is minted before a level is first written
            #expect(fresh.levels.map(\.name) == ["UNCLASSIFIED", "RESTRICTED", "CONFIDENTIAL", "SECRET"])
            #expect(fresh.levels.allSatisfy { !$0.readable && $0.epoch == nil && $0.deltas == 0 })
            #expect(fresh.device.ref == "alpha/hq")
            #expect(fresh.clearance == "SECRET")
            #expect(fresh.federation.name == TestKeys.federationName)
            #expect(fresh.federation.charterVersion == 1)
            #expect(fresh.federation.id == TestKeys.charter().federationIDHex)
            #expect(fresh.testMode)
            #expect(fresh.store.quarantinedDeltas == 0 && fresh.store.problems.isEmpty)
            #expect(fresh.certificateExpires == "2036-01-01T00:00:00Z")

            _ = try site.records.put(PutRecordRequest(id: "s1", type: "memo", classification: "SECRET"))
            _ = try site.records.put(PutRecordRequest(id: "s2", type: "memo", classification: "SECRET"))
            _ = try site.records.put(PutRecordRequest(id: "u1", type: "memo", classification: "UNCLASSIFIED"))
            _ = try site.records.delete(id: "s2")
            let status = try site.status.statusDocument()
            #expect(status.records == 2)  // live records; the deleted one is counted apart
            #expect(status.deltas == 2 + 4)  // a key minted for each level written, four records
            #expect(status.levels.filter(\.readable).map(\.name) == ["UNCLASSIFIED", "SECRET"])
            let secret = try #require(status.levels.first { $0.name == "SECRET" })
            #expect(secret.records == 1 && secret.deletedRecords == 1 && secret.deltas == 4)
            let unclassified = try #require(status.levels.first { $0.name == "UNCLASSIFIED" })
            #expect(unclassified.records == 1 && unclassified.deletedRecords == 0 && unclassified.deltas == 2)
            // The cached deletion count follows later deletes.
            _ = try site.records.delete(id: "u1")
            let later = try #require(try site.status.statusDocument().levels.first { $0.name == "UNCLASSIFIED" })
            #expect(later.records == 0 && later.deletedRecords == 1 && later.deltas == 3)
        }
    }

    static func hlcLess(_ a: String, _ b: String) -> Bool {
        let x = a.split(separator: ".").compactMap { UInt64($0) }
        let y = b.split(separator: ".").compactMap { UInt64($0) }
        return x.lexicographicallyPrecedes(y)
    }
}
