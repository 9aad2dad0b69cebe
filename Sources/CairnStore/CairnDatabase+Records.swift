import GRDB

extension CairnDatabase {
    /// The sealed state of the record with this keyed hash, or nil when it has none.
    public func record(key: [UInt8]) throws -> RecordRow? {
        try read("read a record") { db in
            let statement = try db.cachedStatement(sql: "SELECT \(RecordRow.columns) FROM record WHERE key = ?")
            return try Row.fetchOne(statement, arguments: [key.blob]).map(RecordRow.init(row:))
        }
    }

    /// The sealed states stored under any of `keys` (a few keys: one statement), absent keys
    /// left out.
    public func records(keys: [[UInt8]]) throws -> [RecordRow] {
        guard !keys.isEmpty else { return [] }
        return try read("read records") { db in
            let marks = Array(repeating: "?", count: keys.count).joined(separator: ",")
            let arguments = StatementArguments(keys.map { $0.blob as (any DatabaseValueConvertible)? })
            return try Row.fetchAll(db, sql: "SELECT \(RecordRow.columns) FROM record WHERE key IN (\(marks))", arguments: arguments)
                .map(RecordRow.init(row:))
        }
    }

    /// Calls `body` with every record of `level` (nil: of every level), in the order they were
    /// first stored, until it returns false, holding only one page in memory.
    ///
    /// `body` runs outside any database access and may call back into the store. Errors thrown
    /// by `body` propagate unchanged.
    public func forEachRecord(level: String? = nil, _ body: (RecordRow) throws -> Bool) throws {
        // The row id comes last so that `RecordRow.init(row:)` reads the usual columns.
        let columns = RecordRow.columns + ", rowid"
        let rowidColumn = 6
        if let level {
            try forEachPage(
                "read records",
                sql: "SELECT \(columns) FROM record WHERE level = ? AND rowid > ? ORDER BY rowid LIMIT ?",
                arguments: [level], rowidColumn: rowidColumn, decode: RecordRow.init(row:), body)
        } else {
            try forEachPage(
                "read records",
                sql: "SELECT \(columns) FROM record WHERE rowid > ? ORDER BY rowid LIMIT ?",
                rowidColumn: rowidColumn, decode: RecordRow.init(row:), body)
        }
    }

    /// How many records are stored, of one level or (nil) of all.
    public func recordCount(level: String? = nil) throws -> Int {
        try count("record", level: level)
    }

    /// How many records are stored per level; levels without records are absent.
    public func recordCounts() throws -> [String: Int] {
        try countsPerLevel("record")
    }

    /// Ids of the deltas linked to the record with this keyed hash, in the order they were
    /// stored: the record's history. Quarantined deltas no longer appear.
    public func deltaIDs(forRecord key: [UInt8]) throws -> [[UInt8]] {
        try read("read a record's history") { db in
            let statement = try db.cachedStatement(sql: """
                SELECT delta.id FROM record_delta JOIN delta ON delta.rowid = record_delta.delta_rowid
                WHERE record_delta.record_key = ? ORDER BY record_delta.delta_rowid
                """)
            var ids: [[UInt8]] = []
            let rows = try Row.fetchCursor(statement, arguments: [key.blob])
            while let row = try rows.next() {
                ids.append(try row.bytes(0, table: "delta"))
            }
            return ids
        }
    }
}
