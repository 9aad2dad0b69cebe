import CairnModel
import Testing

@Suite("Tags (observed-remove, add wins)")
struct TagStateTests {
    let id = Fixture.record("r")

    @Test("add then remove by the same replica removes the tag")
    func addRemove() throws {
        var set = RecordSet()
        try set.write(id, by: Fixture.alice, at: Fixture.hlc(1), type: "note", add: ["urgent", "ops"])
        #expect(set[id]?.view().tags == ["ops", "urgent"])
        try set.write(id, by: Fixture.alice, at: Fixture.hlc(2), remove: ["urgent"])
        #expect(set[id]?.view().tags == ["ops"])
        try set.write(id, by: Fixture.alice, at: Fixture.hlc(3), add: ["urgent"])
        #expect(set[id]?.view().tags == ["ops", "urgent"])
    }

    @Test("an add concurrent with a remove wins")
    func concurrentAddWins() throws {
        var alice = RecordSet()
        let create = try alice.write(id, by: Fixture.alice, at: Fixture.hlc(1), type: "note", add: ["urgent"])
        var bob = RecordSet()
        try bob.apply(create)
        let remove = try alice.write(id, by: Fixture.alice, at: Fixture.hlc(5), remove: ["urgent"])
        let readd = try bob.write(id, by: Fixture.bob, at: Fixture.hlc(3), add: ["urgent"])
        try alice.apply(readd)
        try bob.apply(remove)
        #expect(alice == bob)
        #expect(alice[id]?.view().tags == ["urgent"])
        // A remove that has seen both adds takes the tag away for good.
        let final = try bob.write(id, by: Fixture.bob, at: Fixture.hlc(9), remove: ["urgent"])
        try alice.apply(final)
        #expect(alice == bob)
        #expect(alice[id]?.view().tags == [])
    }

    @Test("removing a tag never seen emits nothing")
    func removeUnknownTag() throws {
        var set = RecordSet()
        try set.write(id, by: Fixture.alice, at: Fixture.hlc(1), type: "note")
        let operations = try RecordState.updateOperations(
            current: set[id], id: id, type: nil, setFields: [:], addTags: [], removeTags: ["never"])
        #expect(operations.isEmpty)
    }

    @Test("tag state follows its definition")
    func stateDefinition() {
        var tag = TagState()
        #expect(!tag.isPresent)
        tag.add(Fixture.stamp(5, 1))
        #expect(tag.isPresent)
        tag.remove(observed: CausalContext([Fixture.alice: Fixture.hlc(4)]))  // saw an older add only
        #expect(tag.isPresent)
        tag.remove(observed: tag.knowledge)
        #expect(!tag.isPresent)
        tag.add(Fixture.stamp(1, 2))
        #expect(tag.isPresent)
    }
}
