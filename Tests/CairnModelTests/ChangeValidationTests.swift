import CairnModel
import Testing

@Suite("Change validation")
struct ChangeValidationTests {
    let id = Fixture.record("r1")

    func change(_ operations: [Operation], level: String = Fixture.level) -> Change {
        Change(author: Fixture.alice, level: level, hlc: Fixture.hlc(100), operations: operations)
    }

    @Test("a well-formed change passes and its stamp is (hlc, author)")
    func valid() throws {
        let c = change([
            .setType(record: id, type: "incident"),
            .setField(record: id, name: "a", value: .int(1), observed: CausalContext()),
            .setField(record: id, name: "b", value: nil, observed: CausalContext([Fixture.bob: Fixture.hlc(500)])),
            .addTag(record: id, tag: "x"),
            .removeTag(record: id, tag: "y", observed: CausalContext()),
            .delete(record: id),
            .setField(record: Fixture.record("r2"), name: "a", value: .int(2), observed: CausalContext()),
        ])
        try c.validate()
        #expect(c.stamp == Stamp(hlc: Fixture.hlc(100), author: Fixture.alice))
    }

    @Test("a change needs 1 to 1024 operations and a well-formed level")
    func counts() {
        #expect(throws: ModelError.emptyChange) { try change([]).validate() }
        let many = (0..<1_025).map { Operation.addTag(record: Fixture.record("r\($0)"), tag: "t") }
        #expect(throws: ModelError.tooManyOperations(count: 1_025, limit: 1_024)) { try change(many).validate() }
        #expect((try? change(Array(many.prefix(1_024))).validate()) != nil)
        #expect(throws: ModelError.invalidLevelName("secret")) {
            try change([.delete(record: id)], level: "secret").validate()
        }
    }

    @Test("each operation is validated")
    func operationSyntax() {
        #expect(throws: ModelError.invalidRecordType("Bad")) { try change([.setType(record: id, type: "Bad")]).validate() }
        #expect(throws: ModelError.invalidFieldName("a b")) {
            try change([.setField(record: id, name: "a b", value: .null, observed: CausalContext())]).validate()
        }
        #expect(throws: ModelError.nonFiniteNumber) {
            try change([.setField(record: id, name: "a", value: .double(.nan), observed: CausalContext())]).validate()
        }
        #expect(throws: ModelError.invalidTag("a b")) { try change([.addTag(record: id, tag: "a b")]).validate() }
        #expect(throws: ModelError.invalidTag("")) {
            try change([.removeTag(record: id, tag: "", observed: CausalContext())]).validate()
        }
    }

    @Test("a change may not write one thing of one record twice")
    func duplicates() {
        let cases: [[Operation]] = [
            [.setType(record: id, type: "a"), .setType(record: id, type: "b")],
            [.setField(record: id, name: "f", value: .int(1), observed: CausalContext()),
             .setField(record: id, name: "f", value: nil, observed: CausalContext())],
            [.addTag(record: id, tag: "t"), .removeTag(record: id, tag: "t", observed: CausalContext())],
            [.delete(record: id), .delete(record: id)],
        ]
        for operations in cases {
            #expect(throws: ModelError.self) { try change(operations).validate() }
            do {
                try change(operations).validate()
            } catch ModelError.duplicateOperation(let record, _) {
                #expect(record == id)
            } catch {
                Issue.record("expected duplicateOperation, got \(error)")
            }
        }
        // The same name as a field and a tag, or on two records, is fine.
        #expect((try? change([
            .setField(record: id, name: "t", value: .int(1), observed: CausalContext()), .addTag(record: id, tag: "t"),
            .addTag(record: Fixture.record("r2"), tag: "t"),
        ]).validate()) != nil)
    }

    @Test("an observed context may not cover the change's own write")
    func observedOwnWrite() {
        let covering = CausalContext([Fixture.alice: Fixture.hlc(100)])
        #expect(throws: ModelError.observedOwnWrite(id, target: "field 'f'")) {
            try change([.setField(record: id, name: "f", value: .int(1), observed: covering)]).validate()
        }
        #expect(throws: ModelError.observedOwnWrite(id, target: "tag 't'")) {
            try change([.removeTag(record: id, tag: "t", observed: covering)]).validate()
        }
        let earlier = CausalContext([Fixture.alice: Fixture.hlc(99, 5)])
        #expect((try? change([.setField(record: id, name: "f", value: .int(1), observed: earlier)]).validate()) != nil)
    }

    @Test("per-record limits apply within one change")
    func perRecordLimits() {
        let fields = (0..<257).map {
            Operation.setField(record: id, name: "f\($0)", value: .int(1), observed: CausalContext())
        }
        #expect(throws: ModelError.tooManyFields(id, count: 257, limit: 256)) { try change(fields).validate() }
        let tags = (0..<65).map { Operation.addTag(record: id, tag: "t\($0)") }
        #expect(throws: ModelError.tooManyTags(id, count: 65, limit: 64)) { try change(tags).validate() }
        let big = FieldValue.string(String(repeating: "x", count: 65_000))
        let heavy = (0..<17).map { Operation.setField(record: id, name: "f\($0)", value: big, observed: CausalContext()) }
        #expect(throws: ModelError.self) { try change(heavy).validate() }
        do {
            try change(heavy).validate()
        } catch ModelError.recordTooLarge(let record, let bytes, let limit) {
            #expect(record == id && bytes > limit && limit == 1_048_576)
        } catch {
            Issue.record("expected recordTooLarge, got \(error)")
        }
    }
}
