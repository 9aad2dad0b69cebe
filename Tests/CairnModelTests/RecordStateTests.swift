import CairnModel
import Testing

@Suite("Record state and local updates")
struct RecordStateTests {
    let id = Fixture.record("r1")

    @Test("a new record gets a setType and only the given fields and tags")
    func newRecordOperations() throws {
        let operations = try RecordState.updateOperations(
            current: nil, id: id, type: "incident", setFields: ["b": .int(2), "a": .string("x")],
            addTags: ["t"], removeTags: [])
        #expect(operations == [
            .setType(record: id, type: "incident"),
            .setField(record: id, name: "a", value: .string("x"), observed: CausalContext()),
            .setField(record: id, name: "b", value: .int(2), observed: CausalContext()),
            .addTag(record: id, tag: "t"),
        ])
    }

    @Test("an update observes what the replica holds and leaves other fields alone")
    func updateObservesKnowledge() throws {
        var set = RecordSet()
        try set.write(id, by: Fixture.alice, at: Fixture.hlc(10), type: "incident", set: ["a": .int(1), "b": .int(1)], add: ["t"])
        let operations = try RecordState.updateOperations(
            current: set[id], id: id, type: "incident", setFields: ["a": nil], addTags: [], removeTags: ["t"])
        let seen = CausalContext([Fixture.alice: Fixture.hlc(10)])
        #expect(operations == [
            .setField(record: id, name: "a", value: nil, observed: seen),
            .removeTag(record: id, tag: "t", observed: seen),
        ])
        try set.apply(Change(author: Fixture.bob, level: Fixture.level, hlc: Fixture.hlc(11), operations: operations))
        let view = try #require(set[id]?.view())
        #expect(view.fields == ["b": .int(1)])
        #expect(view.tags == [])
        #expect(view.created == Fixture.stamp(10, 1))
        #expect(view.updated == Fixture.stamp(11, 2))
    }

    @Test("re-sending what the record already holds writes nothing; a value with a conflict is still written")
    func unchangedValuesAreLeftOut() throws {
        var set = RecordSet()
        try set.write(id, by: Fixture.alice, at: Fixture.hlc(10), type: "incident", set: ["a": .int(1), "b": nil], add: ["t"])
        let same = try RecordState.updateOperations(
            current: set[id], id: id, type: "incident", setFields: ["a": .int(1), "b": nil], addTags: [], removeTags: [])
        #expect(same.isEmpty)
        let changed = try RecordState.updateOperations(
            current: set[id], id: id, type: "incident", setFields: ["a": .int(1), "b": .int(2)], addTags: ["t", "u"], removeTags: [])
        #expect(changed.count == 3)
        #expect(changed.contains(.addTag(record: id, tag: "u")))
        #expect(!changed.contains { if case .setField(_, "a", _, _) = $0 { return true } else { return false } })
        // Two concurrent writes leave a conflict; writing the winner's value again settles it.
        let base = set[id]
        var other = set
        let concurrent = try RecordState.updateOperations(
            current: base, id: id, type: nil, setFields: ["a": .int(9)], addTags: [], removeTags: [])
        try other.apply(Change(author: Fixture.bob, level: Fixture.level, hlc: Fixture.hlc(11), operations: concurrent))
        try set.write(id, by: Fixture.carol, at: Fixture.hlc(12), set: ["a": .int(5)])
        try set.apply(Change(author: Fixture.bob, level: Fixture.level, hlc: Fixture.hlc(11), operations: concurrent))
        #expect(set[id]?.view().conflicts["a"]?.count == 1)
        let settle = try RecordState.updateOperations(
            current: set[id], id: id, type: nil, setFields: ["a": .int(5)], addTags: [], removeTags: [])
        #expect(settle.count == 1)
    }

    @Test("update errors: missing type, deleted record, wrong record, contradictory tags")
    func updateErrors() throws {
        #expect(throws: ModelError.missingType(id)) {
            try RecordState.updateOperations(current: nil, id: id, type: nil, setFields: [:], addTags: [], removeTags: [])
        }
        var set = RecordSet()
        try set.write(id, by: Fixture.alice, at: Fixture.hlc(1), type: "incident")
        let other = Fixture.record("other")
        #expect(throws: ModelError.recordMismatch(expected: id, found: other)) {
            try RecordState.updateOperations(current: set[id], id: other, type: nil, setFields: [:], addTags: [], removeTags: [])
        }
        #expect(throws: ModelError.conflictingTagUpdate(id, tag: "x")) {
            try RecordState.updateOperations(current: set[id], id: id, type: nil, setFields: [:], addTags: ["x", "y"], removeTags: ["x"])
        }
        #expect(throws: ModelError.invalidFieldName("bad name")) {
            try RecordState.updateOperations(current: set[id], id: id, type: nil, setFields: ["bad name": .null], addTags: [], removeTags: [])
        }
        #expect(throws: ModelError.invalidRecordType("Bad")) {
            try RecordState.updateOperations(current: set[id], id: id, type: "Bad", setFields: [:], addTags: [], removeTags: [])
        }
        let deletion = try RecordState.deleteOperations(current: try #require(set[id]))
        try set.apply(Change(author: Fixture.alice, level: Fixture.level, hlc: Fixture.hlc(2), operations: deletion))
        #expect(throws: ModelError.recordDeleted(id)) {
            try RecordState.updateOperations(current: set[id], id: id, type: nil, setFields: ["a": .null], addTags: [], removeTags: [])
        }
        #expect(throws: ModelError.recordDeleted(id)) { try RecordState.deleteOperations(current: try #require(set[id])) }
    }

    @Test("updates refuse records beyond the record-wide limits")
    func updateLimits() throws {
        var set = RecordSet()
        let fields = Dictionary(uniqueKeysWithValues: (0..<200).map { ("f\($0)", FieldValue?.some(.int(0))) })
        try set.write(id, by: Fixture.alice, at: Fixture.hlc(1), type: "incident", set: fields)
        let more = Dictionary(uniqueKeysWithValues: (200..<257).map { ("f\($0)", FieldValue?.some(.int(0))) })
        #expect(throws: ModelError.tooManyFields(id, count: 257, limit: 256)) {
            try set.write(id, by: Fixture.alice, at: Fixture.hlc(2), set: more)
        }
        // Removing some makes room.
        var swap = more
        for n in 0..<1 { swap["f\(n)"] = .some(nil) }
        try set.write(id, by: Fixture.alice, at: Fixture.hlc(3), set: swap)
        #expect(set[id]?.view().fields.count == 256)

        let tags = (0..<65).map { "t\($0)" }
        #expect(throws: ModelError.tooManyTags(id, count: 65, limit: 64)) {
            try set.write(id, by: Fixture.alice, at: Fixture.hlc(4), add: tags)
        }
        let big = FieldValue.string(String(repeating: "x", count: 60_000))
        var bigSet = RecordSet()
        try bigSet.write(id, by: Fixture.alice, at: Fixture.hlc(1), type: "blob",
                         set: Dictionary(uniqueKeysWithValues: (0..<16).map { ("b\($0)", FieldValue?.some(big)) }))
        #expect(throws: ModelError.self) {
            try bigSet.write(id, by: Fixture.alice, at: Fixture.hlc(2), set: ["b16": big, "b17": big])
        }
        do {
            try bigSet.write(id, by: Fixture.alice, at: Fixture.hlc(2), set: ["b16": big, "b17": big])
        } catch ModelError.recordTooLarge(let record, _, let limit) {
            #expect(record == id && limit == ModelLimits.maxRecordBytes)
        }
    }

    @Test("the type is last-writer-wins and an unchanged type is not rewritten")
    func typeRegister() throws {
        var set = RecordSet()
        try set.write(id, by: Fixture.alice, at: Fixture.hlc(1), type: "incident")
        let same = try RecordState.updateOperations(current: set[id], id: id, type: "incident", setFields: [:], addTags: [], removeTags: [])
        #expect(same.isEmpty)
        var state = try #require(set[id])
        try state.apply(.setType(record: id, type: "older"), stamp: Fixture.stamp(0, 9))
        #expect(state.type == "incident")
        try state.apply(.setType(record: id, type: "newer"), stamp: Fixture.stamp(2, 1))
        #expect(state.type == "newer" && state.typeStamp == Fixture.stamp(2, 1))
        #expect(state.created == Fixture.stamp(0, 9))
    }

    @Test("deletion is final and later writes are still merged")
    func deletionIsFinal() throws {
        var state = RecordState.new(id: id, level: Fixture.level, first: Fixture.stamp(5, 1))
        try state.apply(.delete(record: id), stamp: Fixture.stamp(5, 1))
        try state.apply(.setField(record: id, name: "a", value: .int(1), observed: CausalContext()), stamp: Fixture.stamp(9, 2))
        try state.apply(.delete(record: id), stamp: Fixture.stamp(7, 3))
        #expect(state.deleted == Fixture.stamp(7, 3))
        #expect(state.isDeleted)
        #expect(state.view().deleted == Fixture.stamp(7, 3))
        #expect(state.updated == Fixture.stamp(9, 2))
    }

    @Test("an operation for another record is refused")
    func recordMismatch() {
        var state = RecordState.new(id: id, level: Fixture.level, first: Fixture.stamp(1, 1))
        let other = Fixture.record("r2")
        #expect(throws: ModelError.recordMismatch(expected: id, found: other)) {
            try state.apply(.delete(record: other), stamp: Fixture.stamp(1, 1))
        }
    }

    @Test("a change at another level is refused, atomically")
    func levelMismatchIsAtomic() throws {
        var set = RecordSet()
        try set.write(id, by: Fixture.alice, at: Fixture.hlc(1), level: "SECRET", type: "incident")
        let before = set
        let other = Fixture.record("fresh")
        let change = Change(author: Fixture.alice, level: "RESTRICTED", hlc: Fixture.hlc(2), operations: [
            .addTag(record: other, tag: "x"), .addTag(record: id, tag: "x"),
        ])
        #expect(throws: ModelError.levelMismatch(id, recordLevel: "SECRET", changeLevel: "RESTRICTED")) {
            try set.apply(change)
        }
        #expect(set == before)
        #expect(throws: ModelError.emptyChange) {
            try set.apply(Change(author: Fixture.alice, level: "SECRET", hlc: Fixture.hlc(3), operations: []))
        }
        #expect(set.views().map(\.id) == [id])
    }
}
