import Testing

@testable import CairnStore

@Suite("Commit and read back")
struct CommitTests {
    @Test func everyTableReadsBackWhatWasCommitted() throws {
        let database = try CairnDatabase.inMemory()
        let deltas = Fixture.stream(1...2) + Fixture.stream(author: Fixture.bob, level: "PUBLIC", 1...1)
        let records = [Fixture.record(1), Fixture.record(2, level: "PUBLIC")]
        let links = [
            RecordDeltaLink(recordKey: Fixture.recordKey(1), deltaID: deltas[0].id),
            RecordDeltaLink(recordKey: Fixture.recordKey(1), deltaID: deltas[1].id),
        ]
        let key = EpochKeyRow(level: "SECRET", number: 3, keyID: [7, 7], sealed: [9, 9, 9], createdAt: 42)
        try database.commit(WriteBatch(
            deltas: deltas, records: records, links: links, epochKeys: [key],
            meta: ["charter": [1, 2, 3], "hlc": [4]]))

        let stored = try #require(try database.delta(id: deltas[1].id))
        #expect(stored.asNewDelta == deltas[1])
        #expect(stored.rowid == 2)
        #expect(try database.delta(id: Fixture.bytes32(99, tag: 0)) == nil)
        #expect(try database.deltas(author: Fixture.alice, level: "SECRET", fromSequence: 1, limit: 10)
            .map(\.asNewDelta) == Array(deltas[0...1]))
        #expect(try database.deltas(author: Fixture.alice, level: "SECRET", fromSequence: 2, limit: 10)
            .map(\.sequence) == [2])
        #expect(try database.deltas(author: Fixture.alice, level: "SECRET", fromSequence: 1, limit: 1)
            .map(\.sequence) == [1])
        #expect(try database.record(key: Fixture.recordKey(1)) == records[0])
        #expect(try database.record(key: Fixture.recordKey(2)) == records[1])
        #expect(try database.record(key: Fixture.recordKey(3)) == nil)
        #expect(try database.deltaIDs(forRecord: Fixture.recordKey(1)) == [deltas[0].id, deltas[1].id])
        #expect(try database.deltaIDs(forRecord: Fixture.recordKey(2)) == [])
        #expect(try database.epochKeys() == [key])
        #expect(try database.meta("charter") == [1, 2, 3])
        #expect(try database.meta("hlc") == [4])
        #expect(try database.meta("absent") == nil)
        #expect(try database.streamHeads() == [
            StreamHeadRow(author: Fixture.alice, level: "SECRET", sequence: 2, headID: deltas[1].id),
            StreamHeadRow(author: Fixture.bob, level: "PUBLIC", sequence: 1, headID: deltas[2].id),
        ])
    }

    @Test func recordsAreReplacedAndMetaOverwritten() throws {
        let database = try CairnDatabase.inMemory()
        try database.commit(WriteBatch(records: [Fixture.record(1, version: 1)], meta: ["m": [1]]))
        try database.commit(WriteBatch(records: [Fixture.record(1, level: "PUBLIC", version: 2)], meta: ["m": [2]]))
        #expect(try database.record(key: Fixture.recordKey(1)) == Fixture.record(1, level: "PUBLIC", version: 2))
        #expect(try database.recordCount() == 1)
        #expect(try database.meta("m") == [2])
        try database.setMeta("m", [])
        #expect(try database.meta("m") == [])
        try database.removeMeta("m")
        #expect(try database.meta("m") == nil)
    }

    @Test func anEpochKeyStoredTwiceIsKeptOnce() throws {
        let database = try CairnDatabase.inMemory()
        let first = EpochKeyRow(level: "SECRET", number: 1, keyID: [1], sealed: [0xAA], createdAt: 1)
        let resealed = EpochKeyRow(level: "SECRET", number: 1, keyID: [1], sealed: [0xBB], createdAt: 2)
        let concurrent = EpochKeyRow(level: "SECRET", number: 1, keyID: [2], sealed: [0xCC], createdAt: 3)
        try database.commit(WriteBatch(epochKeys: [first]))
        try database.commit(WriteBatch(epochKeys: [resealed, concurrent]))
        #expect(try database.epochKeys() == [first, concurrent])
    }

    @Test func streamHeadsAdvanceAcrossBatches() throws {
        let database = try CairnDatabase.inMemory()
        try database.commit(WriteBatch(deltas: Fixture.stream(1...3)))
        #expect(try database.streamHeads().map(\.sequence) == [3])
        try database.commit(WriteBatch(deltas: Fixture.stream(4...4) + Fixture.stream(level: "PUBLIC", 1...2)))
        let heads = try database.streamHeads()
        #expect(heads.map(\.level) == ["PUBLIC", "SECRET"])
        #expect(heads.map(\.sequence) == [2, 4])
        #expect(heads.map(\.headID) == [
            Fixture.deltaID(author: Fixture.alice, level: "PUBLIC", sequence: 2),
            Fixture.deltaID(author: Fixture.alice, level: "SECRET", sequence: 4),
        ])
    }

    @Test func historyLinksFollowDeltaOrderAndIgnoreRepeats() throws {
        let database = try CairnDatabase.inMemory()
        let deltas = Fixture.stream(1...4)
        let key = Fixture.recordKey(5)
        // Linked out of order and once twice: history is still in delta order, without repeats.
        try database.commit(WriteBatch(deltas: Array(deltas[0...2]), links: [
            RecordDeltaLink(recordKey: key, deltaID: deltas[2].id),
            RecordDeltaLink(recordKey: key, deltaID: deltas[0].id),
        ]))
        try database.commit(WriteBatch(deltas: [deltas[3]], links: [
            RecordDeltaLink(recordKey: key, deltaID: deltas[3].id),
            RecordDeltaLink(recordKey: key, deltaID: deltas[1].id),
            RecordDeltaLink(recordKey: key, deltaID: deltas[0].id),
        ]))
        #expect(try database.deltaIDs(forRecord: key) == deltas.map(\.id))
    }

    @Test func countsPerLevel() throws {
        let database = try CairnDatabase.inMemory()
        try database.commit(WriteBatch(
            deltas: Fixture.stream(1...3) + Fixture.stream(author: Fixture.bob, level: "PUBLIC", 1...2)
                + Fixture.stream(level: "PUBLIC", 1...1),
            records: [Fixture.record(1), Fixture.record(2), Fixture.record(3, level: "TOP_SECRET")]))
        #expect(try database.deltaCount() == 6)
        #expect(try database.deltaCount(level: "SECRET") == 3)
        #expect(try database.deltaCount(level: "PUBLIC") == 3)
        #expect(try database.deltaCount(level: "NONE") == 0)
        #expect(try database.deltaCounts() == ["SECRET": 3, "PUBLIC": 3])
        #expect(try database.recordCount() == 3)
        #expect(try database.recordCount(level: "SECRET") == 2)
        #expect(try database.recordCounts() == ["SECRET": 2, "TOP_SECRET": 1])
    }

    @Test func anEmptyBatchWritesNothing() throws {
        let database = try CairnDatabase.inMemory()
        try database.commit(WriteBatch())
        #expect(try database.deltaCount() == 0)
        #expect(try database.streamHeads() == [])
    }
}
