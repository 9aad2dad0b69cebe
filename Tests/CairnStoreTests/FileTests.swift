import Foundation
import GRDB
import Testing

@testable import CairnStore

@Suite("Database files")
struct FileTests {
    @Test func filesAreOwnerOnly() throws {
        try withDatabasePath { path in
            let database = try CairnDatabase(path: path)
            try database.commit(WriteBatch(deltas: Fixture.stream(1...3)))
            for file in FilePermissions.databaseFiles(path) {
                #expect(FilePermissions.mode(of: file) == 0o600, "\(file)")
            }
            try database.close()
        }
    }

    @Test func looseFilesAreTightenedOnOpen() throws {
        try withDatabasePath { path in
            try CairnDatabase(path: path).close()
            #expect(chmod(path, 0o644) == 0)
            let database = try CairnDatabase(path: path)
            #expect(FilePermissions.mode(of: path) == 0o600)
            try database.close()
        }
    }

    @Test func walWithFullSynchronousAndForeignKeys() throws {
        try withDatabasePath { path in
            let database = try CairnDatabase(path: path)
            let (journal, synchronous, foreignKeys) = try database.writer.writeWithoutTransaction { db in
                (try String.fetchOne(db, sql: "PRAGMA journal_mode"),
                 try Int.fetchOne(db, sql: "PRAGMA synchronous"),
                 try Int.fetchOne(db, sql: "PRAGMA foreign_keys"))
            }
            #expect(journal == "wal")
            #expect(synchronous == 2)  // FULL
            #expect(foreignKeys == 1)
            try database.close()
        }
    }

    @Test func everythingSurvivesReopening() throws {
        try withDatabasePath { path in
            let deltas = Fixture.stream(1...5) + Fixture.stream(author: Fixture.bob, level: "PUBLIC", 1...2)
            let key = EpochKeyRow(level: "SECRET", number: 1, keyID: [1, 2], sealed: [3, 4], createdAt: 5)
            let first = try CairnDatabase(path: path)
            try first.commit(WriteBatch(
                deltas: deltas, records: [Fixture.record(1), Fixture.record(2, level: "PUBLIC")],
                links: [RecordDeltaLink(recordKey: Fixture.recordKey(1), deltaID: deltas[0].id)],
                epochKeys: [key], meta: ["charter": [0xC4]]))
            try first.quarantine(deltaID: deltas[4].id, reason: "test", detectedAt: 9)
            let heads = try first.streamHeads()
            try first.close()

            let second = try CairnDatabase(path: path)
            var stored: [NewDelta] = []
            try second.forEachDelta { stored.append($0.asNewDelta); return true }
            #expect(stored == deltas.filter { $0.id != deltas[4].id })
            #expect(try second.streamHeads() == heads)
            #expect(try second.record(key: Fixture.recordKey(2)) == Fixture.record(2, level: "PUBLIC"))
            #expect(try second.deltaIDs(forRecord: Fixture.recordKey(1)) == [deltas[0].id])
            #expect(try second.epochKeys() == [key])
            #expect(try second.meta("charter") == [0xC4])
            #expect(try second.quarantined().map(\.deltaID) == [deltas[4].id])
            #expect(try second.integrityCheck() == [])
            try second.close()
        }
    }

    @Test func checkpointEmptiesTheLogAndSizeIsReported() throws {
        try withDatabasePath { path in
            let database = try CairnDatabase(path: path)
            try database.commit(WriteBatch(deltas: Fixture.stream(1...50, envelopeSize: 1200)))
            #expect(FilePermissions.size(of: path + "-wal") > 50 * 1200)
            let before = try database.databaseSizeBytes()
            try database.checkpoint()
            #expect(FilePermissions.size(of: path + "-wal") == 0)
            let after = try database.databaseSizeBytes()
            #expect(after >= 50 * 1200)
            #expect(after <= before)
            #expect(try database.deltaCount() == 50)
            try database.close()

            let memory = try CairnDatabase.inMemory()
            try memory.checkpoint()
            #expect(try memory.databaseSizeBytes() > 0)
        }
    }

    @Test func aGarbageFileIsReportedAsCorrupt() throws {
        try withDatabasePath { path in
            let garbage = Data((0..<4096).map { UInt8(truncatingIfNeeded: $0 &* 7 &+ 3) })
            try garbage.write(to: URL(fileURLWithPath: path))
            let error = #expect(throws: StoreError.self) {
                _ = try CairnDatabase(path: path)
            }
            guard case .corrupt(let reportedPath, _) = error else {
                Issue.record("expected corrupt, got \(String(describing: error))")
                return
            }
            #expect(reportedPath == path)
            #expect(error?.description.contains("backup") == true)
        }
    }

    @Test func aMissingDirectoryCannotBeOpened() throws {
        try withTemporaryDirectory { directory in
            let path = directory.appendingPathComponent("absent/store.sqlite").path
            let error = #expect(throws: StoreError.self) {
                _ = try CairnDatabase(path: path)
            }
            guard case .cannotOpen = error else {
                Issue.record("expected cannotOpen, got \(String(describing: error))")
                return
            }
        }
    }

    @Test(arguments: [40, 100, 5000, 0.5])
    func truncationExperiment(_ keep: Double) throws {
        try withDatabasePath { path in
            let database = try CairnDatabase(path: path)
            try database.commit(WriteBatch(
                deltas: Fixture.stream(1...200, envelopeSize: 1200), records: (1...200).map { Fixture.record($0) }))
            try database.close()
            print("TRUNC wal after close", FileManager.default.fileExists(atPath: path + "-wal"), FilePermissions.size(of: path + "-wal"))
            let size = FilePermissions.size(of: path)
            let newSize = keep < 1 ? Int64(Double(size) * keep) : Int64(keep)
            #expect(truncate(path, off_t(newSize)) == 0)
            print("TRUNC keep \(newSize) of \(size)")
            do {
                let reopened = try CairnDatabase(path: path)
                print("TRUNC opened")
                do { print("TRUNC count", try reopened.deltaCount()) } catch { print("TRUNC count err", error) }
                do { var n = 0; try reopened.forEachDelta { _ in n += 1; return true }; print("TRUNC walk", n) } catch { print("TRUNC walk err", error) }
                do { print("TRUNC check", try reopened.integrityCheck().prefix(3)) } catch { print("TRUNC check err", error) }
            } catch {
                print("TRUNC open err", error)
            }
        }
    }
}
