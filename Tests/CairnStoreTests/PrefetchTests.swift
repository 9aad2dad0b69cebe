import Foundation
import Testing

@testable import CairnStore

/// Reading many records and their withdrawals at once gives exactly what the one-by-one reads
/// give, across statement chunks.
@Suite struct PrefetchTests {
    @Test func prefetchReturnsTheStoredRecordsAndWithdrawalsOfTheKeysAsked() throws {
        let database = try CairnDatabase.inMemory()
        let stored = (0..<1_200).map { Fixture.record($0) }
        var batch = WriteBatch(records: stored)
        let withdrawnKey = Fixture.recordKey(5_000)
        batch.redaction.recordWithdrawals = [
            RedactionTests.withdrawal(withdrawnKey, "SECRET", wall: 7),
            RedactionTests.withdrawal(Fixture.recordKey(3), "RESTRICTED", wall: 9, retracted: true),
        ]
        try database.commit(batch)

        // Every second stored record, keys never stored, and the withdrawn one: over two chunks.
        let asked = stride(from: 0, to: 1_200, by: 2).map(Fixture.recordKey) + (2_000..<2_100).map(Fixture.recordKey) + [withdrawnKey]
        #expect(asked.count > CairnDatabase.prefetchChunk)
        let (records, withdrawals) = try database.prefetch(keys: asked)
        #expect(Set(records.map(\.key)) == Set(stride(from: 0, to: 1_200, by: 2).map(Fixture.recordKey)))
        for row in records { #expect(try database.record(key: row.key) == row) }
        #expect(Set(withdrawals.map(\.recordKey)) == [withdrawnKey])
        #expect(withdrawals == (try database.recordWithdrawals(key: withdrawnKey)))

        // Record 3 was not asked for: its withdrawal is not returned.
        #expect(try database.prefetch(keys: [Fixture.recordKey(3)]).withdrawals.map(\.level) == ["RESTRICTED"])
        #expect(try database.prefetch(keys: []).records.isEmpty)
    }
}
