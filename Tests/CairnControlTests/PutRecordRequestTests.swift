import CairnControl
import Foundation
import Testing

@Suite struct PutRecordRequestTests {
    private func decode(_ text: String) throws -> PutRecordRequest {
        try ControlJSON.decoder().decode(PutRecordRequest.self, from: Data(text.utf8))
    }

    @Test func decodesEveryWritableKey() throws {
        let request = try decode(
            #"{"id": "r-1", "type": "incident", "classification": "SECRET", "fields": {"a": 1, "b": null},"#
                + #" "tags": ["x"], "removeTags": ["y"]}"#)
        #expect(
            request
                == PutRecordRequest(
                    id: "r-1", type: "incident", classification: "SECRET", fields: ["a": 1, "b": .null], tags: ["x"],
                    removeTags: ["y"]))
    }

    @Test func ignoresReadOnlyKeysOfAFetchedRecord() throws {
        let request = try decode(RecordDocumentTests.contractJSON)
        #expect(request.id == "r-123")
        #expect(request.type == "incident")
        #expect(request.classification == "SECRET")
        #expect(request.fields == ["title": "Convoy stopped", "casualties": 0])
        #expect(request.tags == ["north", "urgent"])
        #expect(request.removeTags == nil)
    }

    @Test func rejectsUnknownKeysNamingThem() throws {
        do {
            _ = try decode(#"{"type": "x", "feilds": {"a": 1}, "zzz": 1}"#)
            Issue.record("an unknown key was accepted")
        } catch let DecodingError.dataCorrupted(context) {
            #expect(context.debugDescription.contains(#""feilds""#))
            #expect(context.debugDescription.contains(#""zzz""#))
            #expect(context.codingPath.last?.stringValue == "feilds")
        }
    }

    @Test func rejectsWrongTypes() {
        #expect(throws: DecodingError.self) { try decode(#"{"tags": "x"}"#) }
        #expect(throws: DecodingError.self) { try decode(#"{"id": 5}"#) }
    }

    @Test func encodesOnlyWhatIsSetWithExplicitRemovals() throws {
        let request = PutRecordRequest(id: "r-9", fields: ["gone": .null, "n": 2], removeTags: ["old"])
        #expect(
            try ControlJSON.compactText(request) == #"{"fields":{"gone":null,"n":2},"id":"r-9","removeTags":["old"]}"#)
        #expect(try ControlJSON.compactText(PutRecordRequest()) == "{}")
        #expect(try decode(try ControlJSON.compactText(request)) == request)
    }
}
