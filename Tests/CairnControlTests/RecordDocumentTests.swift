import CairnControl
import Foundation
import Testing

@Suite struct RecordDocumentTests {
    /// A record as the contract shows it, with a conflict on `title`.
    static let contractJSON = #"""
        {
          "id": "r-123", "type": "incident", "classification": "SECRET",
          "fields": {"title": "Convoy stopped", "casualties": 0},
          "tags": ["north", "urgent"],
          "created": {"by": "alpha/hq", "device": "\#(String(repeating: "a", count: 64))",
                      "at": "2026-11-25T17:00:00.123Z", "hlc": "1795626000123.0"},
          "updated": {"by": "bravo/hq", "device": "\#(String(repeating: "b", count: 64))",
                      "at": "2026-11-25T17:05:00.000Z", "hlc": "1795626300000.2"},
          "deleted": null,
          "conflicts": {"title": [{"value": "Convoy halted", "by": "bravo/hq",
                                    "device": "\#(String(repeating: "b", count: 64))",
                                    "at": "2026-11-25T17:05:00.000Z", "hlc": "1795626300000.1"},
                                   {"value": null, "by": "3f2a9c0d11e4b7a8",
                                    "device": "\#(String(repeating: "c", count: 64))",
                                    "at": "2026-11-25T17:04:00.000Z", "hlc": "1795626240000.0"}]}
        }
        """#

    @Test func decodesTheContractShape() throws {
        let record = try ControlJSON.decoder().decode(RecordDocument.self, from: Data(Self.contractJSON.utf8))
        #expect(record.id == "r-123")
        #expect(record.type == "incident")
        #expect(record.classification == "SECRET")
        #expect(record.fields == ["title": "Convoy stopped", "casualties": .int(0)])
        #expect(record.tags == ["north", "urgent"])
        #expect(record.created.by == "alpha/hq")
        #expect(record.created.at == "2026-11-25T17:00:00.123Z")
        #expect(record.updated.hlc == "1795626300000.2")
        #expect(record.deleted == nil)
        #expect(!record.isDeleted)
        let conflicts = try #require(record.conflicts["title"])
        #expect(conflicts.count == 2)
        #expect(conflicts[0].value == "Convoy halted")
        #expect(conflicts[0].stamp.by == "bravo/hq")
        #expect(conflicts[1].value == .null)
    }

    @Test func encodesEveryContractKeyIncludingNullDeletedAndEmptyConflicts() throws {
        let stamp = StampDocument(by: "alpha/hq", device: String(repeating: "a", count: 64), at: "t", hlc: "1.0")
        let record = RecordDocument(
            id: "r-1", type: "note", classification: "UNCLASSIFIED", fields: [:], tags: ["b", "a", "b"],
            created: stamp, updated: stamp)
        #expect(record.tags == ["a", "b"])
        let object = try #require(
            try JSONSerialization.jsonObject(with: ControlJSON.compactEncoder().encode(record)) as? [String: Any])
        #expect(
            Set(object.keys) == [
                "id", "type", "classification", "fields", "tags", "created", "updated", "deleted", "conflicts",
            ])
        #expect(object["deleted"] is NSNull)
        #expect((object["conflicts"] as? [String: Any])?.isEmpty == true)
        #expect(Set((object["created"] as? [String: Any] ?? [:]).keys) == ["by", "device", "at", "hlc"])
    }

    @Test func roundTripsThroughPrettyOutput() throws {
        let record = try ControlJSON.decoder().decode(RecordDocument.self, from: Data(Self.contractJSON.utf8))
        var deleted = record
        deleted.deleted = record.updated
        for document in [record, deleted] {
            let text = try ControlJSON.prettyText(document)
            let back = try ControlJSON.decoder().decode(RecordDocument.self, from: Data(text.utf8))
            #expect(back == document)
            // Stable: encoding again gives the same bytes.
            #expect(try ControlJSON.prettyText(back) == text)
        }
    }

    @Test func conflictWithoutValueReadsAsRemoval() throws {
        let text = #"{"by": "x", "device": "d", "at": "t", "hlc": "1.0"}"#
        let conflict = try ControlJSON.decoder().decode(ConflictDocument.self, from: Data(text.utf8))
        #expect(conflict.value == .null)
        #expect(try ControlJSON.compactText(conflict).contains(#""value":null"#))
    }

    @Test func missingRequiredKeyFails() {
        let text = #"{"id": "r-1", "type": "x", "fields": {}, "tags": []}"#
        #expect(throws: DecodingError.self) {
            try ControlJSON.decoder().decode(RecordDocument.self, from: Data(text.utf8))
        }
    }
}
