import CairnControl
import Foundation
import Testing

@Suite struct FieldAssignmentTests {
    private func value(_ argument: String) throws -> JSONValue {
        try FieldAssignment.parse(
            argument,
            readFile: { path in
                guard path == "note.txt" else { throw ControlClientError.invalidRequest("no such file") }
                return "line one\n"
            }
        ).value
    }

    @Test func plainValuesAreJSONWhenTheyParseElseStrings() throws {
        #expect(try value("n=3") == .int(3))
        #expect(try value("x=2.5") == .double(2.5))
        #expect(try value("ok=true") == .bool(true))
        #expect(try value("gone=null") == .null)
        #expect(try value(#"s="quoted""#) == .string("quoted"))
        #expect(try value("l=[1,\"a\"]") == .array([1, "a"]))
        #expect(try value(#"o={"k":{"z":[]}}"#) == .object(["k": .object(["z": .array([])])]))
        #expect(try value("title=Convoy stopped") == .string("Convoy stopped"))
        #expect(try value("t=") == .string(""))
        #expect(try value("t= 3") == .string(" 3"))
        #expect(try value("t=3abc") == .string("3abc"))
        #expect(try value("t=a=b") == .string("a=b"))
    }

    @Test func colonEqualsForcesJSON() throws {
        #expect(try value(#"code:="42""#) == .string("42"))
        #expect(try value("n:= 7") == .int(7))
        #expect(throws: ControlClientError.self) { try value("n:=seven") }
        #expect(throws: ControlClientError.self) { try value("n:=") }
    }

    @Test func atReadsAFileAsAString() throws {
        let assignment = try FieldAssignment.parse("body=@note.txt", readFile: { _ in "text\n" })
        #expect(assignment == FieldAssignment(name: "body", value: "text\n"))
        #expect(try value(#"at:="@x""#) == .string("@x"))
        do {
            _ = try value("body=@missing.txt")
            Issue.record("a missing file was accepted")
        } catch {
            #expect(String(describing: error).contains("missing.txt"))
        }
    }

    @Test func malformedAssignmentsAreRefused() {
        for argument in ["novalue", "=3", ":=3", "x=@"] {
            #expect(throws: ControlClientError.self, "\(argument)") { try value(argument) }
        }
    }

    @Test func readsRealFiles() throws {
        let directory = try makeTemporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        try "résumé\n".write(toFile: directory + "/f", atomically: true, encoding: .utf8)
        #expect(try FieldAssignment.parse("cv=@" + directory + "/f").value == "résumé\n")
        #expect(throws: ControlClientError.self) { try FieldAssignment.parse("cv=@" + directory + "/none") }
    }

    @Test func flagsOverlayABaseRequest() throws {
        let base = PutRecordRequest(
            id: "r-1", type: "incident", classification: "SECRET", fields: ["a": 1, "b": 2], tags: ["north", "x"],
            removeTags: ["south"])
        let merged = try base.overlaid(
            type: "report", set: [FieldAssignment(name: "a", value: "new")], remove: ["b"], addTags: ["south"],
            removeTags: ["north"])
        #expect(
            merged
                == PutRecordRequest(
                    id: "r-1", type: "report", classification: "SECRET", fields: ["a": "new", "b": .null],
                    tags: ["x", "south"],
                    removeTags: ["north"]))
        #expect(try PutRecordRequest().overlaid() == PutRecordRequest())
    }

    @Test func contradictoryFlagsAreRefused() {
        let set = FieldAssignment(name: "a", value: 1)
        #expect(throws: ControlClientError.invalidRequest("field \"a\" is both set and removed")) {
            try PutRecordRequest().overlaid(set: [set], remove: ["a"])
        }
        #expect(throws: ControlClientError.invalidRequest("field \"a\" is given more than once")) {
            try PutRecordRequest().overlaid(set: [set, set])
        }
        #expect(throws: ControlClientError.invalidRequest("tag \"t\" is both added and removed")) {
            try PutRecordRequest().overlaid(addTags: ["t"], removeTags: ["t"])
        }
    }
}
