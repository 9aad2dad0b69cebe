import CairnModel
import Testing

@Suite("Field, tag and type validation")
struct ValidationTests {
    @Test("field names are ASCII words of at most 128 bytes")
    func fieldNames() throws {
        for name in ["a", "summary", "geo.lat", "x_1-b", String(repeating: "n", count: 128)] {
            try Validate.fieldName(name)
        }
        for name in ["", String(repeating: "n", count: 129), "with space", "ünï", "a/b", "a:b"] {
            #expect(throws: ModelError.invalidFieldName(name)) { try Validate.fieldName(name) }
        }
    }

    @Test("tags are printable, without whitespace or control characters")
    func tags() throws {
        for tag in ["urgent", "op:harbor", "région-sud", "#42", "🚨", String(repeating: "t", count: 128)] {
            try Validate.tag(tag)
        }
        let bad = [
            "", "two words", "tab\there", "new\nline", "nbsp\u{00A0}", "zero\u{200B}width",
            "bidi\u{202E}", "bell\u{07}", String(repeating: "t", count: 129), String(repeating: "é", count: 65),
        ]
        for tag in bad {
            #expect(throws: ModelError.invalidTag(tag)) { try Validate.tag(tag) }
        }
    }

    @Test("record types are lowercase words starting with a letter or digit")
    func recordTypes() throws {
        for type in ["incident", "threat-assessment", "person_v2", "9lives", String(repeating: "t", count: 64)] {
            try Validate.recordType(type)
        }
        for type in ["", "Incident", "-x", "_x", "a b", "a.b", String(repeating: "t", count: 65)] {
            #expect(throws: ModelError.invalidRecordType(type)) { try Validate.recordType(type) }
        }
    }

    @Test("values must hold finite numbers only")
    func finiteNumbers() throws {
        try Validate.fieldValue(.double(1.5))
        #expect(throws: ModelError.nonFiniteNumber) { try Validate.fieldValue(.double(.nan)) }
        #expect(throws: ModelError.nonFiniteNumber) { try Validate.fieldValue(.array([.int(1), .double(.infinity)])) }
        #expect(throws: ModelError.nonFiniteNumber) { try Validate.fieldValue(.object(["x": .double(-.infinity)])) }
    }

    @Test("values nest at most 32 deep, and a hostile depth is refused")
    func nesting() throws {
        func nested(_ depth: Int, object: Bool = false) -> FieldValue {
            var value = FieldValue.int(1)
            for _ in 0..<depth { value = object ? .object(["k": value]) : .array([value]) }
            return value
        }
        try Validate.fieldValue(nested(32))
        try Validate.fieldValue(nested(32, object: true))
        #expect(throws: ModelError.nestingTooDeep(limit: 32)) { try Validate.fieldValue(nested(33)) }
        #expect(throws: ModelError.nestingTooDeep(limit: 32)) { try Validate.fieldValue(nested(33, object: true)) }
        #expect(throws: ModelError.nestingTooDeep(limit: 32)) { try Validate.fieldValue(nested(5_000)) }
    }

    @Test("values encode to at most 64 KiB, by an over-approximation")
    func valueSize() throws {
        // A string of n plain bytes encodes to n + 2 bytes.
        try Validate.fieldValue(.string(String(repeating: "a", count: 65_534)))
        #expect(throws: ModelError.fieldValueTooLarge(estimatedBytes: 65_537, limit: 65_536)) {
            try Validate.fieldValue(.string(String(repeating: "a", count: 65_535)))
        }
        // Control characters count as their six-byte escapes.
        #expect(FieldValue.string("\u{01}").encodedSizeEstimate == 8)
        #expect(FieldValue.string("\"\\").encodedSizeEstimate == 6)
        #expect(FieldValue.string("é").encodedSizeEstimate == 4)
        #expect(throws: ModelError.self) {
            try Validate.fieldValue(.string(String(repeating: "\u{01}", count: 11_000)))
        }
        // Many small members add up.
        let wide = FieldValue.array(Array(repeating: .int(0), count: 4_000))
        #expect(throws: ModelError.self) { try Validate.fieldValue(wide) }
    }

    @Test("the size estimate bounds the real compact JSON length", arguments: [
        (FieldValue.null, "null"), (.bool(false), "false"), (.int(Int64.min), "-9223372036854775808"),
        (.double(-2.2250738585072014e-308), "-2.2250738585072014e-308"), (.string("a\"b"), "\"a\\\"b\""),
        (.array([.int(1), .null]), "[1,null]"), (.object(["k": .bool(true), "l": .array([])]), "{\"k\":true,\"l\":[]}"),
        (.array([]), "[]"), (.object([:]), "{}"),
    ])
    func estimateBoundsJSON(value: FieldValue, json: String) {
        #expect(value.encodedSizeEstimate >= json.utf8.count)
    }
}
