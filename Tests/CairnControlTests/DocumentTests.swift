import CairnControl
import Foundation
import Testing

@Suite struct DocumentTests {
    @Test func historyEntryDecodesEveryOperationShape() throws {
        let text = #"""
            [{"delta": "\#(String(repeating: "d", count: 64))", "author": {"by": "alpha/hq", "device": "aa"},
              "level": "SECRET", "sequence": 3, "at": "2026-11-25T17:00:00.000Z", "hlc": "5.1",
              "operations": [{"op": "set_type", "type": "incident"},
                             {"op": "set_field", "field": "title", "value": "x"},
                             {"op": "set_field", "field": "empty", "value": null},
                             {"op": "remove_field", "field": "old"},
                             {"op": "add_tag", "tag": "north"},
                             {"op": "remove_tag", "tag": "south"},
                             {"op": "delete"}]}]
            """#
        let entries = try ControlJSON.decoder().decode([HistoryEntry].self, from: Data(text.utf8))
        let entry = try #require(entries.first)
        #expect(entry.author == HistoryEntry.Author(by: "alpha/hq", device: "aa"))
        #expect(entry.sequence == 3)
        #expect(
            entry.operations == [
                .setType("incident"), .setField(field: "title", value: "x"), .setField(field: "empty", value: .null),
                .removeField("old"), .addTag("north"), .removeTag("south"), .delete,
            ])
        let again = try ControlJSON.decoder().decode(
            [HistoryEntry].self, from: ControlJSON.compactEncoder().encode(entries))
        #expect(again == entries)
        #expect(try ControlJSON.compactText(OperationDocument.delete) == #"{"op":"delete"}"#)
        #expect(
            try ControlJSON.compactText(OperationDocument.setField(field: "f", value: .null))
                == #"{"field":"f","op":"set_field","value":null}"#)
    }

    @Test func unknownOperationIsAnError() {
        #expect(throws: DecodingError.self) {
            try ControlJSON.decoder().decode(OperationDocument.self, from: Data(#"{"op": "explode"}"#.utf8))
        }
    }

    static let statusJSON = #"""
        {"device": {"ref": "alpha/hq", "agency": "alpha", "name": "hq", "id": "\#(String(repeating: "a", count: 64))"},
         "clearance": "SECRET",
         "federation": {"name": "lab", "id": "\#(String(repeating: "f", count: 32))", "charterVersion": 1,
                        "charterFingerprint": "\#(String(repeating: "c", count: 64))"},
         "levels": [{"name": "UNCLASSIFIED", "readable": true, "records": 3, "deletedRecords": 0,
                     "deltas": 5, "epoch": 1},
                    {"name": "SECRET", "readable": false, "records": 0, "deletedRecords": 0,
                     "deltas": 0, "epoch": null}],
         "records": 3, "deltas": 5,
         "store": {"path": "/var/lib/cairn", "sizeBytes": 40960, "quarantinedDeltas": 0, "problems": []},
         "testMode": true, "startedAt": "2026-11-25T17:00:00.000Z", "version": "0.1.0",
         "certificateExpires": "2027-11-25T17:00:00.000Z"}
        """#

    @Test func statusDocumentRoundTrips() throws {
        let status = try ControlJSON.decoder().decode(StatusDocument.self, from: Data(Self.statusJSON.utf8))
        #expect(status.device.ref == "alpha/hq")
        #expect(status.federation.charterVersion == 1)
        #expect(status.levels.map(\.name) == ["UNCLASSIFIED", "SECRET"])
        #expect(status.levels[0].epoch == 1)
        #expect(status.levels[1].epoch == nil)
        #expect(status.store.sizeBytes == 40960)
        #expect(status.testMode)
        let text = try ControlJSON.compactText(status)
        #expect(text.contains(#""epoch":null"#))
        #expect(try ControlJSON.decoder().decode(StatusDocument.self, from: Data(text.utf8)) == status)
    }

    @Test func errorDocumentHasTheNestedShape() throws {
        let document = ErrorDocument(.recordNotFound, message: "No record r-1.")
        #expect(
            try ControlJSON.compactText(document)
                == #"{"error":{"code":"record_not_found","message":"No record r-1."}}"#)
        let back = try ControlJSON.decoder().decode(
            ErrorDocument.self, from: Data(#"{"error": {"code": "forbidden", "message": "No."}}"#.utf8))
        #expect(back == ErrorDocument(code: "forbidden", message: "No."))
        #expect(ControlErrorCode.all.count == Set(ControlErrorCode.all.map(\.rawValue)).count)
        #expect(ControlErrorCode.payloadTooLarge.httpStatus == 413)
    }

    @Test func prettyOutputIsSortedAndStable() throws {
        let text = try ControlJSON.prettyText(["b": 1, "a": ["d": 2, "c": 3]] as JSONValue)
        #expect(text == "{\n  \"a\" : {\n    \"c\" : 3,\n    \"d\" : 2\n  },\n  \"b\" : 1\n}\n")
    }

    @Test func pathComponentsArePercentEncoded() {
        #expect(ControlPath.encode("r-1_a.b~") == "r-1_a.b~")
        #expect(ControlPath.encode("a/b?c#d e%") == "a%2Fb%3Fc%23d%20e%25")
        #expect(ControlPath.encode("é") == "%C3%A9")
        #expect(ControlPath.record("x/y", "history") == "/v1/records/x%2Fy/history")
        #expect(
            ControlPath.withQuery("/v1/records", [("class", "TOP SECRET"), ("type", nil), ("tag", "a&b")])
                == "/v1/records?class=TOP%20SECRET&tag=a%26b")
        #expect(ControlPath.withQuery("/v1/records", [("type", nil)]) == "/v1/records")
    }
}
