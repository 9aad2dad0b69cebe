import Foundation
import GRDB
import Testing

@testable import CairnStore

/// The redaction part of a batch: rows dropped, envelopes replaced in place, withdrawals kept,
/// and nothing of the old bytes left in the files.
@Suite struct RedactionTests {
    static func withdrawal(_ key: [UInt8], _ level: String, wall: UInt64, retracted: Bool = false) -> RecordWithdrawalRow {
        RecordWithdrawalRow(recordKey: key, level: level, hlcWall: wall, hlcCounter: 0, author: Fixture.alice, retracted: retracted)
    }

    @Test func aBatchDropsARecordRedactsItsDeltasAndRemembersTheWithdrawal() throws {
        let database = try CairnDatabase.inMemory()
        let deltas = Fixture.stream(1...3)
        let key = Fixture.recordKey(1)
        try database.commit(WriteBatch(
            deltas: deltas, records: [Fixture.record(1)],
            links: deltas.prefix(2).map { RecordDeltaLink(recordKey: key, deltaID: $0.id) }))
        #expect(try database.recordDeltas(key: key, level: "SECRET").map(\.id) == deltas.prefix(2).map(\.id))
        #expect(try database.recordDeltas(key: key, level: "CONFIDENTIAL").isEmpty)
        #expect(try database.recordKeys(linkedTo: deltas[0].id) == [key])
        #expect(try database.recordKeys(linkedTo: deltas[2].id).isEmpty)

        var batch = WriteBatch()
        batch.redaction.removedRecords = [key]
        batch.redaction.envelopes = [deltas[0].id: [1, 2, 3]]
        batch.redaction.recordWithdrawals = [Self.withdrawal(key, "SECRET", wall: 10)]
        try database.commit(batch)
        #expect(try database.record(key: key) == nil)
        #expect(try database.delta(id: deltas[0].id)?.envelope == [1, 2, 3])
        #expect(try database.delta(id: deltas[1].id)?.envelope == deltas[1].envelope)
        #expect(try database.recordWithdrawals(key: key) == [Self.withdrawal(key, "SECRET", wall: 10)])

        // An older withdrawal does not replace a newer one; a retraction stays one.
        var later = WriteBatch()
        later.redaction.recordWithdrawals = [
            Self.withdrawal(key, "SECRET", wall: 5, retracted: true), Self.withdrawal(key, "RESTRICTED", wall: 1),
        ]
        try database.commit(later)
        let held = try database.recordWithdrawals(key: key).sorted { $0.level < $1.level }
        #expect(held == [Self.withdrawal(key, "RESTRICTED", wall: 1), Self.withdrawal(key, "SECRET", wall: 10, retracted: true)])
    }

    @Test func theOldBytesLeaveTheFiles() throws {
        try withDatabasePath { path in
            let database = try CairnDatabase(path: path)
            let marker = Array("cairn-redaction-marker-0123456789abcdef".utf8)
            var delta = Fixture.delta(sequence: 1)
            delta.envelope = marker + delta.envelope
            try database.commit(WriteBatch(deltas: [delta]))
            func files() throws -> [String] {
                try FileManager.default.contentsOfDirectory(atPath: (path as NSString).deletingLastPathComponent).filter { name in
                    let data = try Data(contentsOf: URL(fileURLWithPath: (path as NSString).deletingLastPathComponent + "/" + name))
                    return data.range(of: Data(marker)) != nil
                }
            }
            #expect(try !files().isEmpty)
            var batch = WriteBatch()
            batch.redaction.envelopes = [delta.id: [9, 9, 9]]
            try database.commit(batch)
            #expect(try files().isEmpty)
            try database.close()
        }
    }
}
