import Testing

@testable import CairnStore

/// Withdrawing the end of a stream (retroactive revocation): the deltas move to the quarantine
/// with their links and waiting rows gone, the head moves back, and the stream stays a prefix.
@Suite("Stream truncation")
struct TruncationTests {
    static func truncation(author: [UInt8] = Fixture.alice, level: String = "SECRET", from: UInt64) -> StreamTruncation {
        StreamTruncation(author: author, level: level, fromSequence: from, reason: "withdrawn: revoked", detectedAt: 777)
    }

    @Test func theEndOfAStreamMovesToTheQuarantineAndTheHeadMovesBack() throws {
        let database = try CairnDatabase.inMemory()
        let deltas = Fixture.stream(1...5)
        let other = Fixture.stream(author: Fixture.bob, 1...2)
        let key = Fixture.recordKey(1)
        var batch = WriteBatch(
            deltas: deltas + other, records: [Fixture.record(1)],
            links: (deltas + other).map { RecordDeltaLink(recordKey: key, deltaID: $0.id) })
        batch.unapplied = [UnappliedDelta(deltaID: deltas[4].id, level: "SECRET", epochNumber: 2, epochKeyID: [9])]
        try database.commit(batch)
        #expect(try database.firstSequences(author: Fixture.alice, stampedFrom: deltas[2].hlcWall) == ["SECRET": 3])
        #expect(try database.recordKeys(author: Fixture.alice, level: "SECRET", from: 3, through: 5) == [key])

        var cut = WriteBatch()
        cut.truncations = [Self.truncation(from: 3)]
        try database.commit(cut)

        #expect(try database.deltas(author: Fixture.alice, level: "SECRET", fromSequence: 1, limit: 9).map(\.sequence) == [1, 2])
        #expect(try database.streamHeads().contains(StreamHeadRow(author: Fixture.alice, level: "SECRET", sequence: 2, headID: deltas[1].id)))
        #expect(try database.deltaIDs(forRecord: key) == [deltas[0].id, deltas[1].id] + other.map(\.id))
        #expect(try database.unappliedEpochs().isEmpty)
        let kept = try database.quarantined()
        #expect(kept.map(\.deltaID) == deltas[2...].map(\.id))
        #expect(kept.allSatisfy { $0.reason == "withdrawn: revoked" && $0.detectedAt == 777 })
        #expect(kept.map(\.envelope) == deltas[2...].map(\.envelope))
        #expect(try database.firstSequences(author: Fixture.alice, stampedFrom: deltas[2].hlcWall).isEmpty)
        // The stream grows again from the new head (a delta the author wrote before the cut).
        try database.commit(WriteBatch(deltas: [Fixture.delta(sequence: 3, envelopeSize: 20)]))
        #expect(try database.streamHeads().first { $0.author == Fixture.alice }?.sequence == 3)
        #expect(try database.integrityCheck() == [])
    }

    @Test func aStreamCutFromItsFirstDeltaDisappears() throws {
        let database = try CairnDatabase.inMemory()
        try database.commit(WriteBatch(deltas: Fixture.stream(1...3) + Fixture.stream(author: Fixture.bob, 1...1)))
        var cut = WriteBatch()
        cut.truncations = [Self.truncation(from: 1)]
        try database.commit(cut)
        #expect(try database.streamHeads().map(\.author) == [Fixture.bob])
        #expect(try database.deltaCount() == 1)
        #expect(try database.quarantined().count == 3)
    }

    @Test func aTruncationTakesDeltasOfItsOwnBatchToo() throws {
        let database = try CairnDatabase.inMemory()
        try database.commit(WriteBatch(deltas: Fixture.stream(1...2)))
        var batch = WriteBatch(deltas: Fixture.stream(3...4))
        batch.truncations = [Self.truncation(from: 2)]
        try database.commit(batch)
        #expect(try database.streamHeads().map(\.sequence) == [1])
        #expect(try database.quarantined().map(\.sequence) == [2, 3, 4])
    }

    @Test func aTruncationAboveTheHeadIsRefusedAndChangesNothing() throws {
        let database = try CairnDatabase.inMemory()
        try database.commit(WriteBatch(deltas: Fixture.stream(1...2)))
        var batch = WriteBatch(deltas: Fixture.stream(author: Fixture.bob, 1...1))
        batch.truncations = [Self.truncation(from: 3)]
        #expect(throws: StoreError.self) { try database.commit(batch) }
        batch.truncations = [Self.truncation(from: 0)]
        #expect(throws: StoreError.self) { try database.commit(batch) }
        #expect(try database.deltaCount() == 2)
        #expect(try database.quarantined().isEmpty)
    }

    @Test func aCutAfterADamagedDeltaNamesIt() throws {
        let database = try CairnDatabase.inMemory()
        let deltas = Fixture.stream(1...3)
        try database.commit(WriteBatch(deltas: deltas))
        try database.quarantine(deltaID: deltas[1].id, reason: "damaged")
        #expect(try database.positionID(author: Fixture.alice, level: "SECRET", sequence: 2) == deltas[1].id)
        var cut = WriteBatch()
        cut.truncations = [Self.truncation(from: 3)]
        try database.commit(cut)
        #expect(try database.streamHeads() == [StreamHeadRow(author: Fixture.alice, level: "SECRET", sequence: 2, headID: deltas[1].id)])
    }

    @Test func injectedFailuresFailTheNamedOperationsOnly() throws {
        let database = try CairnDatabase.inMemory()
        try database.commit(WriteBatch(deltas: Fixture.stream(1...1)))
        database.faults.fail(["read a delta"])
        #expect(throws: StoreError.database(operation: "read a delta", detail: "failure injected by a test")) {
            try database.delta(id: Fixture.deltaID(author: Fixture.alice, level: "SECRET", sequence: 1))
        }
        #expect(try database.deltaCount() == 1)
        database.faults.clear()
        #expect(try database.delta(id: Fixture.deltaID(author: Fixture.alice, level: "SECRET", sequence: 1)) != nil)
    }
}
