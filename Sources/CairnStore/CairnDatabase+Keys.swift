import GRDB

extension CairnDatabase {
    /// Every stored epoch key, ordered by level, number and key id.
    public func epochKeys() throws -> [EpochKeyRow] {
        try read("read epoch keys") { db in
            let statement = try db.cachedStatement(
                sql: "SELECT \(EpochKeyRow.columns) FROM epoch_key ORDER BY level, number, key_id")
            return try Row.fetchAll(statement).map(EpochKeyRow.init(row:))
        }
    }

    /// The value stored under a meta key (charter bytes, clock high-water mark, sealed index
    /// key, …), or nil when the key was never set.
    public func meta(_ key: String) throws -> [UInt8]? {
        try read("read a meta entry") { db in
            let statement = try db.cachedStatement(sql: "SELECT value FROM meta WHERE key = ?")
            return try Row.fetchOne(statement, arguments: [key]).map { try $0.bytes(0, table: "meta") }
        }
    }

    /// Sets one meta entry durably; use `commit` to set it together with other writes.
    public func setMeta(_ key: String, _ value: [UInt8]) throws {
        try commit(WriteBatch(meta: [key: value]))
    }

    /// Deletes one meta entry; deleting an absent key does nothing.
    public func removeMeta(_ key: String) throws {
        try write("delete a meta entry") { db in
            try db.cachedStatement(sql: "DELETE FROM meta WHERE key = ?").execute(arguments: [key])
        }
    }
}
