import CairnControl
import Foundation
import Testing

@Suite struct JSONValueTests {
    private func decode(_ text: String) throws -> JSONValue {
        try ControlJSON.decoder().decode(JSONValue.self, from: Data(text.utf8))
    }

    @Test func integersDecodeAsIntAndFractionsAsDouble() throws {
        #expect(try decode("3") == .int(3))
        #expect(try decode("-42") == .int(-42))
        #expect(try decode("9223372036854775807") == .int(Int64.max))
        #expect(try decode("3.5") == .double(3.5))
        #expect(try decode("0.1") == .double(0.1))
        // Beyond Int64 a number can only be a double.
        #expect(try decode("9223372036854775808") == .double(9_223_372_036_854_775_808))
    }

    @Test func booleansAreNotNumbers() throws {
        #expect(try decode("true") == .bool(true))
        #expect(try decode("false") == .bool(false))
        #expect(try decode("1") == .int(1))
        #expect(try decode("0") != .bool(false))
    }

    @Test func nestedValuesKeepTheirShapes() throws {
        let value = try decode(#"{"a": [1, 2.5, "x", null, true, {"b": {}}], "c": null}"#)
        let expected: JSONValue = [
            "a": [1, 2.5, "x", nil, true, ["b": .object([:])]],
            "c": nil,
        ]
        #expect(value == expected)
    }

    @Test func roundTripIsStable() throws {
        let value: JSONValue = ["n": 7, "d": 0.25, "s": "é/\"", "l": [nil, false], "o": ["k": -1]]
        let text = try ControlJSON.compactText(value)
        #expect(text == #"{"d":0.25,"l":[null,false],"n":7,"o":{"k":-1},"s":"é/\""}"#)
        #expect(try decode(text) == value)
    }

    @Test func nullEncodesExplicitlyInsideObjects() throws {
        #expect(try ControlJSON.compactText(["gone": JSONValue.null] as JSONValue) == #"{"gone":null}"#)
    }

    @Test func nestingDepthCountsBracketsOutsideStrings() {
        #expect(ControlJSON.nestingDepth(of: Array("1".utf8)) == 0)
        #expect(ControlJSON.nestingDepth(of: Array(#"{"a":[1,{"b":[]}]}"#.utf8)) == 4)
        #expect(ControlJSON.nestingDepth(of: Array(#"{"a":"[[[[{{{\"]]]"}"#.utf8)) == 1)
        #expect(ControlJSON.nestingDepth(of: Array(#"[[]][[[]]]"#.utf8)) == 3)
        let deep = Array((String(repeating: "[", count: 10_000) + String(repeating: "]", count: 10_000)).utf8)
        #expect(ControlJSON.nestingDepth(of: deep, stoppingAbove: 40) == 41)
    }
}
