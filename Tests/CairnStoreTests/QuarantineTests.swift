import Testing

@testable import CairnStore

@Suite("Quarantine")
struct QuarantineTests {
    @Test func quarantineMovesTheBytesAndKeepsTheHead() throws {
        let database = try CairnDatabase.inMemory()
        let deltas = Fixture.stream(1...3)
        let key = Fixture.recordKey(1)
        try database.commit(WriteBatch(
            deltas: deltas, records: [Fixture.record(1)],
            links: deltas.map { RecordDeltaLink(recordKey: key, deltaID: $0.id) }))

        try database.quarantine(deltaID: deltas[1].id, reason: "bad signature", detectedAt: 555)

        #expect(try database.delta(id: deltas[1].id) == nil)
        #expect(try database.deltaCount() == 2)
        #expect(try database.deltaIDs(forRecord: key) == [deltas[0].id, deltas[2].id])
        #expect(try database.quarantined() == [
            QuarantineRow(
                deltaID: deltas[1].id, author: deltas[1].author, level: "SECRET", sequence: 2, kind: deltas[1].kind,
                envelope: deltas[1].envelope, receivedAt: deltas[1].receivedAt, reason: "bad signature",
                detectedAt: 555),
        ])
        // The head is untouched, and the quarantined position cannot be filled again.
        #expect(try database.streamHeads() == [
            StreamHeadRow(author: Fixture.alice, level: "SECRET", sequence: 3, headID: deltas[2].id),
        ])
        #expect(throws: StoreError.duplicateSequence(author: Fixture.alice, level: "SECRET", sequence: 2, head: 3)) {
            try database.commit(WriteBatch(deltas: [deltas[1]]))
        }
        #expect(try database.deltas(author: Fixture.alice, level: "SECRET", fromSequence: 1, limit: 9)
            .map(\.sequence) == [1, 3])
        #expect(try database.integrityCheck() == [])
    }

    @Test func quarantiningTheHeadKeepsTheHead() throws {
        let database = try CairnDatabase.inMemory()
        let deltas = Fixture.stream(1...2)
        try database.commit(WriteBatch(deltas: deltas))
        try database.quarantine(deltaID: deltas[1].id, reason: "undecryptable")
        #expect(try database.streamHeads().map(\.headID) == [deltas[1].id])
        #expect(try database.quarantined().first?.detectedAt ?? 0 > 1_600_000_000_000)
        try database.commit(WriteBatch(deltas: Fixture.stream(3...3)))
        #expect(try database.streamHeads().map(\.sequence) == [3])
    }

    @Test func anUnknownDeltaCannotBeQuarantined() throws {
        let database = try CairnDatabase.inMemory()
        let id = Fixture.bytes32(1, tag: 0x11)
        #expect(throws: StoreError.unknownDelta(id: id)) {
            try database.quarantine(deltaID: id, reason: "x")
        }
        #expect(try database.quarantined() == [])
    }
}
