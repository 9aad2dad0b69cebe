import Testing

@testable import CairnStore

@Suite("Paged readers")
struct CursorTests {
    /// More than two pages, interleaving two streams so that row id order differs from stream order.
    private func seeded() throws -> (CairnDatabase, [NewDelta]) {
        let database = try CairnDatabase.inMemory()
        let count = UInt64(CairnDatabase.pageSize * 2 + 17)
        var deltas: [NewDelta] = []
        for sequence in 1...count {
            deltas.append(Fixture.delta(author: sequence % 2 == 0 ? Fixture.bob : Fixture.alice,
                                        sequence: (sequence + 1) / 2))
        }
        try database.commit(WriteBatch(deltas: deltas))
        return (database, deltas)
    }

    @Test func deltasComeInArrivalOrder() throws {
        let (database, deltas) = try seeded()
        var seen: [StoredDelta] = []
        try database.forEachDelta { delta in
            seen.append(delta)
            return true
        }
        #expect(seen.map(\.asNewDelta) == deltas)
        #expect(seen.map(\.rowid) == Array(1...Int64(deltas.count)))
    }

    @Test func deltaWalkStopsWhenAsked() throws {
        let (database, deltas) = try seeded()
        var seen: [[UInt8]] = []
        try database.forEachDelta { delta in
            seen.append(delta.id)
            return seen.count < CairnDatabase.pageSize + 3
        }
        #expect(seen == deltas.prefix(CairnDatabase.pageSize + 3).map(\.id))
    }

    @Test func theBodyMayWriteToTheStoreAndItsErrorsPassThrough() throws {
        struct Stop: Error, Equatable {}
        let (database, deltas) = try seeded()
        var visited = 0
        #expect(throws: Stop()) {
            try database.forEachDelta { delta in
                visited += 1
                if visited == 1 {
                    // Appending during the walk must neither deadlock nor be missed.
                    try database.commit(WriteBatch(deltas: [Fixture.delta(level: "PUBLIC", sequence: 1)]))
                }
                if visited == deltas.count + 1 {
                    #expect(delta.level == "PUBLIC")
                    throw Stop()
                }
                return true
            }
        }
        #expect(visited == deltas.count + 1)
    }

    @Test func recordsOfOneLevelOrAll() throws {
        let database = try CairnDatabase.inMemory()
        let records = (1...(CairnDatabase.pageSize + 40)).map {
            Fixture.record($0, level: $0 % 3 == 0 ? "PUBLIC" : "SECRET")
        }
        try database.commit(WriteBatch(records: records))
        var all: [RecordRow] = []
        try database.forEachRecord { all.append($0); return true }
        #expect(all == records)

        var publicOnes: [RecordRow] = []
        try database.forEachRecord(level: "PUBLIC") { publicOnes.append($0); return true }
        #expect(publicOnes == records.filter { $0.level == "PUBLIC" })

        var firstTwo: [RecordRow] = []
        try database.forEachRecord(level: "SECRET") { firstTwo.append($0); return firstTwo.count < 2 }
        #expect(firstTwo == Array(records.filter { $0.level == "SECRET" }.prefix(2)))

        var none = 0
        try database.forEachRecord(level: "ABSENT") { _ in none += 1; return true }
        #expect(none == 0)
    }
}
