import CairnModel
import Testing

@Suite("Model errors")
struct ModelErrorTests {
    static let id = Fixture.record("r1")

    static let all: [ModelError] = [
        .invalidDeviceID(byteCount: 3), .invalidHex("zz"),
        .clockSkew(remote: Fixture.hlc(10), physicalMillis: 1, maxDriftMillis: 2),
        .emptyLattice, .invalidLevelName("x"), .duplicateLevel("A"), .invalidRecordID("", reason: "it is empty"),
        .invalidFieldName("a b"), .invalidTag(" "), .invalidRecordType("X"), .nonFiniteNumber,
        .nestingTooDeep(limit: 32), .fieldValueTooLarge(estimatedBytes: 70_000, limit: 65_536),
        .tooManyFields(id, count: 257, limit: 256), .tooManyTags(id, count: 65, limit: 64),
        .recordTooLarge(id, estimatedBytes: 2_000_000, limit: 1_048_576), .emptyChange,
        .tooManyOperations(count: 2_000, limit: 1_024), .duplicateOperation(id, target: "field 'a'"),
        .observedOwnWrite(id, target: "field 'a'"), .conflictingTagUpdate(id, tag: "t"),
        .recordMismatch(expected: id, found: Fixture.record("r2")),
        .levelMismatch(id, recordLevel: "SECRET", changeLevel: "RESTRICTED"), .recordDeleted(id), .missingType(id),
    ]

    @Test("every error has a distinct sentence for a person", arguments: all)
    func descriptions(error: ModelError) {
        let text = error.description
        #expect(text.count > 20)
        #expect(text.hasSuffix(".") || text.hasSuffix("retry."))
        #expect(Set(Self.all.map(\.description)).count == Self.all.count)
    }

    @Test("messages name the offending value")
    func messagesNameValues() {
        #expect(ModelError.recordDeleted(Self.id).description.contains("r1"))
        #expect(ModelError.invalidFieldName("bad name").description.contains("'bad name'"))
        #expect(ModelError.levelMismatch(Self.id, recordLevel: "SECRET", changeLevel: "RESTRICTED").description.contains("SECRET"))
    }
}
