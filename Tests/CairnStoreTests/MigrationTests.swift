import GRDB
import Testing

@testable import CairnStore

@Suite("Migrations")
struct MigrationTests {
    static let tables: Set = [
        "delta", "stream", "record", "record_delta", "epoch_key", "meta", "quarantine", "audit", "device", "peer", "unapplied",
        "grant_seen",
    ]
    static let migrations = ["v1-initial-schema", "v2-audit-log", "v3-sync", "v4-revocations", "v5-bundles", "v6-redaction", "v7-audit-anchor"]

    private func tableNames(_ database: CairnDatabase) throws -> Set<String> {
        try database.writer.read { db in
            Set(try String.fetchAll(db, sql: "SELECT name FROM sqlite_master WHERE type = 'table'"))
        }
    }

    private func appliedMigrations(_ database: CairnDatabase) throws -> [String] {
        try database.writer.read { db in try StoreSchema.migrator.appliedIdentifiers(db).sorted() }
    }

    @Test func freshFileGetsEveryTable() throws {
        try withDatabasePath { path in
            let database = try CairnDatabase(path: path)
            #expect(try tableNames(database).isSuperset(of: Self.tables))
            #expect(try appliedMigrations(database) == Self.migrations)
            #expect(try database.integrityCheck() == [])
        }
    }

    @Test func inMemoryGetsEveryTable() throws {
        let database = try CairnDatabase.inMemory()
        #expect(try tableNames(database).isSuperset(of: Self.tables))
    }

    @Test func reopeningRunsNothingTwice() throws {
        try withDatabasePath { path in
            let first = try CairnDatabase(path: path)
            try first.commit(WriteBatch(deltas: Fixture.stream(1...3), meta: ["k": [1]]))
            try first.close()

            let second = try CairnDatabase(path: path)
            #expect(try appliedMigrations(second) == Self.migrations)
            #expect(try second.deltaCount() == 3)
            #expect(try second.meta("k") == [1])
            try second.close()
        }
    }

    @Test func aNewerSchemaIsRefused() throws {
        try withDatabasePath { path in
            let database = try CairnDatabase(path: path)
            try database.writer.write { db in
                try db.execute(sql: "INSERT INTO grdb_migrations (identifier) VALUES ('v9-from-the-future')")
            }
            try database.close()
            #expect(throws: StoreError.newerSchema(path: path)) {
                _ = try CairnDatabase(path: path)
            }
        }
    }
}
