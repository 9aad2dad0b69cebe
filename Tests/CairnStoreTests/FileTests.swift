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

    @Test func theFileIsCreatedOwnerOnlyBeforeSQLiteTouchesIt() throws {
        try withDatabasePath { path in
            try FilePermissions.createOwnerOnlyFile(path)
            #expect(FilePermissions.mode(of: path) == 0o600)
            #expect(FilePermissions.size(of: path) == 0)
        }
    }

    @Test func looseFilesAreTightenedOnOpen() throws {
        try withDatabasePath { path in
            try CairnDatabase(path: path).close()
            #expect(chmod(path, 0o644) == 0)
            #expect(chmod(path + "-wal", 0o666) == 0)
            let database = try CairnDatabase(path: path)
            for file in FilePermissions.databaseFiles(path) {
                #expect(FilePermissions.mode(of: file) == 0o600, "\(file)")
            }
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

    /// Truncations of a closed database: to less than the 100-byte header, to half, and to
    /// part of the last page. Each must be reported as `.corrupt` (when opening or reading) or by
    /// the integrity check, never crash or pass silently.
    @Test(arguments: [TruncateTo.bytes(60), .fraction(0.5), .shortBy(400)])
    func aTruncatedFileIsReported(_ cut: TruncateTo) throws {
        try withDatabasePath { path in
            let database = try CairnDatabase(path: path)
            try database.commit(WriteBatch(
                deltas: Fixture.stream(1...200, envelopeSize: 1200), records: (1...200).map { Fixture.record($0) }))
            try database.close()
            #expect(FilePermissions.size(of: path + "-wal") == 0)  // close folded the log into the file
            let size = FilePermissions.size(of: path)
            #expect(truncate(path, off_t(cut.newSize(of: size))) == 0)

            #expect(try problemsAfterReopening(path).isEmpty == false)
        }
    }

    /// What reopening and reading everything reveals: corruption errors and integrity problems.
    private func problemsAfterReopening(_ path: String) throws -> [String] {
        do {
            let database = try CairnDatabase(path: path)
            defer { try? database.close() }
            try database.forEachDelta { _ in true }
            try database.forEachRecord { _ in true }
            return try database.integrityCheck()
        } catch let error as StoreError {
            guard case .corrupt(let reported, _) = error else {
                Issue.record("expected corrupt, got \(error)")
                return []
            }
            #expect(reported == path)
            return [error.description]
        }
    }
}

enum TruncateTo: Sendable, CustomTestStringConvertible {
    case bytes(Int64)
    case fraction(Double)
    case shortBy(Int64)

    func newSize(of size: Int64) -> Int64 {
        switch self {
        case .bytes(let bytes): return bytes
        case .fraction(let fraction): return Int64(Double(size) * fraction)
        case .shortBy(let bytes): return size - bytes
        }
    }

    var testDescription: String {
        switch self {
        case .bytes(let bytes): return "to \(bytes) bytes"
        case .fraction(let fraction): return "to \(fraction) of its size"
        case .shortBy(let bytes): return "by \(bytes) bytes"
        }
    }
}
