import CairnModel
import Testing

/// Concurrent writes to one field: one winner everywhere, losers visible until someone who has
/// seen them writes again.
@Suite("Field conflicts")
struct FieldConflictTests {
    let id = Fixture.record("incident-1")

    /// Alice creates the record; Alice and Bob both hold it, then both write `status` without
    /// seeing each other's write. Returns both replicas and both concurrent changes.
    func concurrentWrites() throws -> (alice: RecordSet, bob: RecordSet, fromAlice: Change, fromBob: Change) {
        var alice = RecordSet()
        let create = try alice.write(id, by: Fixture.alice, at: Fixture.hlc(100), type: "incident", set: ["status": .string("open")])
        var bob = RecordSet()
        try bob.apply(create)
        let fromAlice = try alice.write(id, by: Fixture.alice, at: Fixture.hlc(200), set: ["status": .string("closed")])
        let fromBob = try bob.write(id, by: Fixture.bob, at: Fixture.hlc(150), set: ["status": .string("escalated")])
        try alice.apply(fromBob)
        try bob.apply(fromAlice)
        return (alice, bob, fromAlice, fromBob)
    }

    @Test("concurrent writes give one winner (higher stamp) and one conflict, on every replica")
    func concurrentWinnerAndConflict() throws {
        let (alice, bob, _, _) = try concurrentWrites()
        #expect(alice == bob)
        let view = try #require(alice[id]?.view())
        #expect(view.fields["status"] == .string("closed"))
        #expect(view.conflicts["status"] == [ConflictValue(value: .string("escalated"), stamp: Fixture.stamp(150, 2))])
        #expect(view.type == "incident")
    }

    @Test("hasConflicts says what the view's conflicts say, before, during and after a conflict")
    func hasConflictsFollowsTheView() throws {
        var (alice, bob, _, _) = try concurrentWrites()
        var single = RecordSet()
        try single.write(id, by: Fixture.alice, at: Fixture.hlc(100), type: "incident", set: ["status": .string("open")])
        #expect(single[id]?.hasConflicts == false)
        #expect(alice[id]?.hasConflicts == true)
        let resolve = try bob.write(id, by: Fixture.bob, at: Fixture.hlc(300), set: ["status": .string("resolved")])
        try alice.apply(resolve)
        #expect(alice[id]?.hasConflicts == false)
        #expect(alice[id]?.view().conflicts.isEmpty == true)
    }

    @Test("equal clock readings are broken by device id")
    func tieBrokenByDevice() throws {
        var alice = RecordSet()
        try alice.write(id, by: Fixture.alice, at: Fixture.hlc(100), type: "incident")
        var bob = alice
        let a = try alice.write(id, by: Fixture.alice, at: Fixture.hlc(200), set: ["f": .int(1)])
        let b = try bob.write(id, by: Fixture.bob, at: Fixture.hlc(200), set: ["f": .int(2)])
        try alice.apply(b)
        try bob.apply(a)
        #expect(alice == bob)
        #expect(alice[id]?.view().fields["f"] == .int(2))  // Bob's id sorts after Alice's
        #expect(alice[id]?.view().conflicts["f"]?.map(\.value) == [.int(1)])
    }

    @Test("a write that observed both concurrent values clears the conflict")
    func resolvingWriteClearsConflicts() throws {
        var (alice, bob, _, _) = try concurrentWrites()
        let resolve = try bob.write(id, by: Fixture.bob, at: Fixture.hlc(300), set: ["status": .string("resolved")])
        try alice.apply(resolve)
        #expect(alice == bob)
        let view = try #require(alice[id]?.view())
        #expect(view.fields["status"] == .string("resolved"))
        #expect(view.conflicts.isEmpty)
    }

    @Test("a write that observed only one of the concurrent values leaves the other as a conflict")
    func partialObservationKeepsOtherConflict() throws {
        // Carol holds the creation and Alice's write, but not Bob's.
        var alice = RecordSet()
        let create = try alice.write(id, by: Fixture.alice, at: Fixture.hlc(100), type: "incident", set: ["status": .string("open")])
        var bob = RecordSet()
        try bob.apply(create)
        let fromAlice = try alice.write(id, by: Fixture.alice, at: Fixture.hlc(200), set: ["status": .string("closed")])
        let fromBob = try bob.write(id, by: Fixture.bob, at: Fixture.hlc(150), set: ["status": .string("escalated")])
        var carol = RecordSet()
        try carol.apply(create)
        try carol.apply(fromAlice)
        let fromCarol = try carol.write(id, by: Fixture.carol, at: Fixture.hlc(250), set: ["status": .string("archived")])

        for change in [fromBob, fromCarol] { try alice.apply(change) }
        for change in [fromAlice, fromCarol] { try bob.apply(change) }
        try carol.apply(fromBob)
        #expect(alice == bob && bob == carol)
        let view = try #require(carol[id]?.view())
        #expect(view.fields["status"] == .string("archived"))
        #expect(view.conflicts["status"] == [ConflictValue(value: .string("escalated"), stamp: Fixture.stamp(150, 2))])
    }

    @Test("a losing write is kept even when it arrives long after the winner")
    func lateLoserStillVisible() throws {
        var (alice, _, _, fromBob) = try concurrentWrites()
        try alice.apply(fromBob)  // duplicate delivery changes nothing
        #expect(alice[id]?.view().conflicts["status"]?.count == 1)
    }

    @Test("removing a field concurrently with a write keeps both visible")
    func removeVersusWrite() throws {
        var alice = RecordSet()
        let create = try alice.write(id, by: Fixture.alice, at: Fixture.hlc(100), type: "incident", set: ["note": .string("x")])
        var bob = RecordSet()
        try bob.apply(create)
        let removal = try alice.write(id, by: Fixture.alice, at: Fixture.hlc(300), set: ["note": nil])
        let edit = try bob.write(id, by: Fixture.bob, at: Fixture.hlc(200), set: ["note": .string("y")])
        try alice.apply(edit)
        try bob.apply(removal)
        #expect(alice == bob)
        let view = try #require(alice[id]?.view())
        #expect(view.fields["note"] == nil)  // the removal wins...
        #expect(view.conflicts["note"] == [ConflictValue(value: .string("y"), stamp: Fixture.stamp(200, 2))])  // ...visibly
    }

    @Test("a register whose every write is covered has no value")
    func fullyCoveredRegister() {
        var register = FieldRegister()
        let stamp = Fixture.stamp(10, 1)
        register.apply(FieldWrite(stamp: stamp, value: .int(1)), observed: CausalContext([Fixture.alice: Fixture.hlc(10)]))
        #expect(register.winner == nil)
        #expect(register.conflicts.isEmpty)
        #expect(register.knowledge.covers(stamp))
    }

    @Test("two different writes with one stamp keep the same one whatever the order")
    func equalStampTieIsDeterministic() {
        let stamp = Fixture.stamp(10, 1)
        let writes: [FieldValue?] = [.int(1), .string("a"), nil, .double(-0.0), .double(0.0), .array([.int(1)])]
        var results: Set<FieldRegister> = []
        for first in writes {
            for second in writes {
                var register = FieldRegister()
                register.apply(FieldWrite(stamp: stamp, value: first), observed: CausalContext())
                register.apply(FieldWrite(stamp: stamp, value: second), observed: CausalContext())
                register.apply(FieldWrite(stamp: stamp, value: first), observed: CausalContext())
                var reversed = FieldRegister()
                reversed.apply(FieldWrite(stamp: stamp, value: second), observed: CausalContext())
                reversed.apply(FieldWrite(stamp: stamp, value: first), observed: CausalContext())
                #expect(register == reversed)
                results.insert(register)
            }
        }
        #expect(results.count > 1)
    }
}
