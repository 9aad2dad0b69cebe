import GRDB

extension CairnDatabase {
    /// The stored delta with this id, or nil when there is none (never stored, or quarantined).
    public func delta(id: [UInt8]) throws -> StoredDelta? {
        try read("read a delta") { db in
            let statement = try db.cachedStatement(sql: "SELECT \(StoredDelta.columns) FROM delta WHERE id = ?")
            return try Row.fetchOne(statement, arguments: [id.blob]).map(StoredDelta.init(row:))
        }
    }

    /// Up to `limit` deltas of the stream (author, level) from `fromSequence` on, in sequence
    /// order: what a peer asks for when it is behind. Quarantined positions are skipped.
    public func deltas(author: [UInt8], level: String, fromSequence: UInt64, limit: Int) throws -> [StoredDelta] {
        try WriteBatch.check(limit >= 0, "a delta limit must not be negative")
        let from = Int64(clamping: fromSequence)
        return try read("read a stream's deltas") { db in
            let statement = try db.cachedStatement(sql: """
                SELECT \(StoredDelta.columns) FROM delta
                WHERE author = ? AND level = ? AND sequence >= ? ORDER BY sequence LIMIT ?
                """)
            return try Row.fetchAll(statement, arguments: [author.blob, level, from, limit])
                .map(StoredDelta.init(row:))
        }
    }

    /// Every stream's head, ordered by author then level: this site's version vector.
    public func streamHeads() throws -> [StreamHeadRow] {
        try read("read stream heads") { db in
            let statement = try db.cachedStatement(
                sql: "SELECT \(StreamHeadRow.columns) FROM stream ORDER BY author, level")
            return try Row.fetchAll(statement).map(StreamHeadRow.init(row:))
        }
    }

    /// How many deltas are stored, of one level or (nil) of all.
    public func deltaCount(level: String? = nil) throws -> Int {
        try count("delta", level: level)
    }

    /// How many deltas are stored per level; levels without deltas are absent.
    public func deltaCounts() throws -> [String: Int] {
        try countsPerLevel("delta")
    }

    /// How many stored deltas are of `kind` (the wire number), at every level.
    public func deltaCount(kind: Int) throws -> Int {
        try read("count deltas of one kind") { db in
            try Int.fetchOne(db.cachedStatement(sql: "SELECT COUNT(*) FROM delta WHERE kind = ?"), arguments: [kind]) ?? 0
        }
    }

    /// Calls `body` with every stored delta in arrival (row id) order until it returns false,
    /// holding only one page of deltas in memory: for rebuilding state or exporting.
    ///
    /// `body` runs outside any database access and may call back into the store; deltas
    /// committed during the walk are visited too. Errors thrown by `body` propagate unchanged.
    public func forEachDelta(_ body: (StoredDelta) throws -> Bool) throws {
        try forEachPage(
            "read deltas",
            sql: "SELECT \(StoredDelta.columns) FROM delta WHERE rowid > ? ORDER BY rowid LIMIT ?",
            rowidColumn: 0, decode: StoredDelta.init(row:), body)
    }
}
