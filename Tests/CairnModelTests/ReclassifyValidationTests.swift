import CairnModel
import Testing

/// The rules of the reclassification marker and the withdrawal tombstone.
@Suite("Reclassify and withdraw validation")
struct ReclassifyValidationTests {
    let id = Fixture.record("r1")

    func change(_ operations: [Operation], level: String = Fixture.level) -> Change {
        Change(author: Fixture.alice, level: level, hlc: Fixture.hlc(100), operations: operations)
    }

    func refused(_ change: Change) -> Bool {
        do {
            try change.validate()
            return false
        } catch ModelError.invalidReclassification {
            return true
        } catch {
            return false
        }
    }

    @Test func aSnapshotWithItsMarkerIsValid() throws {
        try change([
            .reclassify(record: id, from: "RESTRICTED", origin: "alpha"), .setType(record: id, type: "incident"),
            .setField(record: id, name: "a", value: .int(1), observed: CausalContext()), .addTag(record: id, tag: "x"),
        ]).validate()
        try change([.withdraw(record: id, reason: "reclassified", redact: [Array(repeating: 1, count: 32)], to: "TOP")]).validate()
        try change([.withdraw(record: id, reason: "entered in error", redact: [], to: nil)]).validate()
    }

    @Test func theMarkerStaysWithItsRecordAndMovesSomewhere() {
        #expect(refused(change([.reclassify(record: id, from: Fixture.level, origin: "alpha")])))
        #expect(refused(change([
            .reclassify(record: id, from: "RESTRICTED", origin: "alpha"),
            .addTag(record: Fixture.record("r2"), tag: "x"),
        ])))
        #expect(refused(change([.reclassify(record: id, from: "not a level", origin: "alpha")])))
        #expect(refused(change([.reclassify(record: id, from: "RESTRICTED", origin: "Alpha Agency")])))
        #expect(throws: ModelError.self) {
            try change([
                .reclassify(record: id, from: "RESTRICTED", origin: "alpha"),
                .reclassify(record: id, from: "UNCLASSIFIED", origin: "alpha"),
            ]).validate()
        }
    }

    @Test func aWithdrawalIsAloneWellFormedAndBounded() {
        let ok = Array(repeating: UInt8(1), count: 32)
        #expect(refused(change([.withdraw(record: id, reason: "x", redact: [], to: nil), .addTag(record: id, tag: "t")])))
        #expect(refused(change([.withdraw(record: id, reason: "", redact: [], to: nil)])))
        #expect(refused(change([.withdraw(record: id, reason: String(repeating: "r", count: 1025), redact: [], to: nil)])))
        #expect(refused(change([.withdraw(record: id, reason: "x", redact: [Array(ok.prefix(31))], to: nil)])))
        #expect(refused(change([.withdraw(record: id, reason: "x", redact: [], to: Fixture.level)])))
        let tooMany = Array(repeating: ok, count: ModelLimits.maxRedactedDeltas + 1)
        #expect(refused(change([.withdraw(record: id, reason: "x", redact: tooMany, to: nil)])))
    }

    @Test func applyingTheMarkerRecordsTheOrigin() throws {
        var state = RecordState.new(id: id, level: Fixture.level, first: Stamp(hlc: Fixture.hlc(1), author: Fixture.alice))
        try state.apply(.reclassify(record: id, from: "RESTRICTED", origin: "bravo"), stamp: Stamp(hlc: Fixture.hlc(2), author: Fixture.alice))
        #expect(state.originAgency == "bravo")
        try state.apply(.reclassify(record: id, from: "RESTRICTED", origin: "alpha"), stamp: Stamp(hlc: Fixture.hlc(3), author: Fixture.alice))
        #expect(state.originAgency == "alpha")
    }
}
