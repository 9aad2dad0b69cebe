import GRDB

extension CairnDatabase {
    /// Runs SQLite's full `PRAGMA integrity_check` and a foreign key check, and returns each
    /// problem found as a line of text; an empty array means the database is sound.
    ///
    /// Reads the whole file, so it takes time on a large store: for the operator's "check"
    /// command and for tests, not for every start.
    public func integrityCheck() throws -> [String] {
        try read("check the database's integrity") { db in
            // SQLite answers "ok", or rows that may each hold several lines.
            var problems = try String.fetchAll(db, sql: "PRAGMA integrity_check")
                .flatMap { $0.split(separator: "\n").map(String.init) }
                .filter { $0 != "ok" && !$0.hasPrefix("*** in database") }
            let violations = try Row.fetchCursor(db, sql: "PRAGMA foreign_key_check")
            while let row = try violations.next() {
                let table: String = row[0] ?? "?"
                let rowid: Int64? = row[1]
                let parent: String = row[2] ?? "?"
                problems.append("row \(rowid.map(String.init) ?? "?") of \(table) refers to a missing \(parent) row")
            }
            return problems
        }
    }

    /// Copies the WAL into the main file and truncates the WAL to zero bytes, reclaiming its disk
    /// space. SQLite checkpoints by itself as it goes; this is for quiet moments and backups.
    /// Does nothing in memory.
    public func checkpoint() throws {
        guard isFile else {
            return
        }
        try access("checkpoint the write-ahead log") {
            try writer.writeWithoutTransaction { db in
                _ = try db.checkpoint(.truncate)
            }
        }
    }

    /// Bytes the store occupies: the database file plus its write-ahead log on disk, or the
    /// pages in use for an in-memory database.
    public func databaseSizeBytes() throws -> Int64 {
        if isFile {
            return FilePermissions.size(of: path) + FilePermissions.size(of: path + "-wal")
        }
        return try read("measure the database") { db in
            let pages = try Int64.fetchOne(db, sql: "PRAGMA page_count") ?? 0
            let pageSize = try Int64.fetchOne(db, sql: "PRAGMA page_size") ?? 0
            return pages * pageSize
        }
    }
}
