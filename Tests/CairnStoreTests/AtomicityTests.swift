import Testing

@testable import CairnStore

@Suite("Atomicity and stream contiguity")
struct AtomicityTests {
    /// Asserts that the store holds exactly the first committed batch (deltas 1...2, record 1, meta "a").
    private func expectOnlyFirstBatch(_ database: CairnDatabase) throws {
        #expect(try database.deltaCount() == 2)
        #expect(try database.recordCount() == 1)
        #expect(try database.record(key: Fixture.recordKey(2)) == nil)
        #expect(try database.meta("a") == [1])
        #expect(try database.meta("b") == nil)
        #expect(try database.epochKeys() == [])
        #expect(try database.deltaIDs(forRecord: Fixture.recordKey(2)) == [])
        #expect(try database.streamHeads().map(\.sequence) == [2])
        #expect(try database.streamHeads().count == 1)
    }

    private func seeded() throws -> CairnDatabase {
        let database = try CairnDatabase.inMemory()
        try database.commit(WriteBatch(deltas: Fixture.stream(1...2), records: [Fixture.record(1)], meta: ["a": [1]]))
        return database
    }

    /// A batch of everything whose third delta is `third`.
    private func batch(third: NewDelta) -> WriteBatch {
        let first = Fixture.delta(author: Fixture.bob, sequence: 1)
        let second = Fixture.delta(sequence: 3)
        return WriteBatch(
            deltas: [first, second, third],
            records: [Fixture.record(2)],
            links: [RecordDeltaLink(recordKey: Fixture.recordKey(2), deltaID: first.id)],
            epochKeys: [EpochKeyRow(level: "SECRET", number: 2, keyID: [1], sealed: [2], createdAt: 3)],
            meta: ["a": [9], "b": [2]])
    }

    @Test func aGapInTheThirdDeltaLeavesNothingOfTheBatch() throws {
        let database = try seeded()
        let gap = Fixture.delta(sequence: 5)
        #expect(throws: StoreError.streamGap(author: Fixture.alice, level: "SECRET", expected: 4, got: 5)) {
            try database.commit(batch(third: gap))
        }
        try expectOnlyFirstBatch(database)
    }

    @Test func aGapOnAFreshStreamIsRefused() throws {
        let database = try CairnDatabase.inMemory()
        #expect(throws: StoreError.streamGap(author: Fixture.bob, level: "PUBLIC", expected: 1, got: 2)) {
            try database.commit(WriteBatch(deltas: [Fixture.delta(author: Fixture.bob, level: "PUBLIC", sequence: 2)]))
        }
        #expect(try database.deltaCount() == 0)
    }

    @Test func aDuplicateSequenceIsRefused() throws {
        let database = try seeded()
        var replay = Fixture.delta(sequence: 2)
        replay.id = Fixture.bytes32(77, tag: 0x77)  // another delta claiming a taken position
        #expect(throws: StoreError.duplicateSequence(author: Fixture.alice, level: "SECRET", sequence: 2, head: 3)) {
            try database.commit(batch(third: replay))
        }
        try expectOnlyFirstBatch(database)
        #expect(throws: StoreError.duplicateSequence(author: Fixture.alice, level: "SECRET", sequence: 1, head: 2)) {
            try database.commit(WriteBatch(deltas: [Fixture.delta(sequence: 1)]))
        }
    }

    @Test func theSameIDTwiceIsRefused() throws {
        let database = try seeded()
        // Same id as stored delta 1, at the next free position of another stream.
        var copy = Fixture.delta(level: "PUBLIC", sequence: 1)
        copy.id = Fixture.delta(sequence: 1).id
        #expect(throws: StoreError.duplicateDelta(id: copy.id)) {
            try database.commit(batch(third: copy))
        }
        try expectOnlyFirstBatch(database)

        // Twice within one batch.
        var twin = Fixture.delta(level: "PUBLIC", sequence: 2)
        twin.id = Fixture.delta(level: "PUBLIC", sequence: 1).id
        #expect(throws: StoreError.duplicateDelta(id: twin.id)) {
            try database.commit(WriteBatch(deltas: [Fixture.delta(level: "PUBLIC", sequence: 1), twin]))
        }
        #expect(try database.deltaCount(level: "PUBLIC") == 0)
    }

    @Test func aLinkToAnUnknownDeltaLeavesNothing() throws {
        let database = try seeded()
        let missing = Fixture.bytes32(404, tag: 0x40)
        #expect(throws: StoreError.unknownDelta(id: missing)) {
            try database.commit(WriteBatch(
                deltas: [Fixture.delta(sequence: 3)], records: [Fixture.record(2)],
                links: [RecordDeltaLink(recordKey: Fixture.recordKey(2), deltaID: missing)], meta: ["b": [1]]))
        }
        try expectOnlyFirstBatch(database)
    }

    @Test func malformedValuesAreRefusedBeforeWriting() throws {
        let database = try seeded()
        var shortID = Fixture.delta(sequence: 3)
        shortID.id = [1, 2, 3]
        var zero = Fixture.delta(level: "PUBLIC", sequence: 1)
        zero.sequence = 0
        var huge = Fixture.delta(level: "PUBLIC", sequence: 1)
        huge.sequence = UInt64.max
        let cases = [
            WriteBatch(deltas: [shortID]),
            WriteBatch(deltas: [zero]),
            WriteBatch(deltas: [huge]),
            WriteBatch(records: [RecordRow(key: [1], level: "SECRET", epochNumber: 1, epochKeyID: [], sealed: [],
                                           updatedAt: 0)]),
            WriteBatch(records: [Fixture.record(1, level: "")]),
            WriteBatch(meta: ["": [1]]),
        ]
        for batch in cases {
            let error = #expect(throws: StoreError.self) {
                try database.commit(batch)
            }
            guard case .invalidArgument = error else {
                Issue.record("expected invalidArgument, got \(String(describing: error))")
                continue
            }
        }
        try expectOnlyFirstBatch(database)
    }
}

/// The audit table only ever continues its chain, inside the batch's transaction.
@Suite struct AuditStoreTests {
    private func row(_ seq: Int64, previous: [UInt8]) -> AuditRow {
        AuditRow(seq: seq, at: 1, kind: "k", actor: "a", detail: "{}", previous: previous, hash: [UInt8](repeating: UInt8(seq), count: 32))
    }

    @Test func entriesMustContinueTheChain() throws {
        let database = try CairnDatabase.inMemory()
        let zero = [UInt8](repeating: 0, count: 32)
        try database.appendAudit([row(1, previous: zero), row(2, previous: [UInt8](repeating: 1, count: 32))])
        #expect(try database.auditHead()?.seq == 2)
        #expect(throws: StoreError.self) { try database.appendAudit([row(4, previous: [UInt8](repeating: 2, count: 32))]) }
        #expect(throws: StoreError.self) { try database.appendAudit([row(3, previous: zero)]) }
        // A batch whose audit entry breaks the chain leaves nothing of the batch.
        #expect(throws: StoreError.self) {
            try database.commit(WriteBatch(meta: ["m": [1]], audit: [row(9, previous: zero)]))
        }
        #expect(try database.meta("m") == nil)
        #expect(try database.auditEntries().map(\.seq) == [1, 2])
        #expect(try database.auditEntries(after: 1, limit: 5).map(\.seq) == [2])
    }
}
