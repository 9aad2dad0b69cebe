import Foundation
import GRDB

/// Re-keying of records, for the daemon's switch to keys that name a record by id *and* level.
///
/// The store cannot compute keys (it holds no key material), so the caller supplies the new key
/// of an old key at a level, and the record's state sealed again under its new key (the key is
/// part of the sealed state's associated data).
extension CairnDatabase {
    /// What a re-keying changed.
    public struct RekeyCount: Sendable, Equatable {
        public var records = 0
        public var links = 0
        public var withdrawals = 0

        public init() {}
    }

    /// Gives every record row, record–delta link and withdrawal the key `newKey(oldKey, level)`
    /// (a link's level is its delta's), seals each record's state again with `reseal`, and sets
    /// the meta flag `flag`, all in one transaction: a crash leaves the old keys, and the next
    /// start does it again. Does nothing when `flag` is already set.
    ///
    /// - Throws: whatever `newKey` or `reseal` throws (nothing is changed), or a `StoreError`.
    public func rekeyRecords(
        flag: String,
        newKey: @escaping @Sendable (_ oldKey: [UInt8], _ level: String) throws -> [UInt8],
        reseal: @escaping @Sendable (_ row: RecordRow, _ newKey: [UInt8]) throws -> [UInt8]
    ) throws -> RekeyCount {
        try write("re-key the records") { db in
            if try Bool.fetchOne(db, sql: "SELECT EXISTS (SELECT 1 FROM meta WHERE key = ?)", arguments: [flag]) == true {
                return RekeyCount()
            }
            let function = DatabaseFunction("cairn_rekey", argumentCount: 2, pure: true) { values in
                guard case .blob(let key) = values[0].storage, case .string(let level) = values[1].storage else {
                    throw StoreError.corrupt(path: "", detail: "a record key or level of the wrong type")
                }
                return Data(try newKey([UInt8](key), level))
            }
            db.add(function: function)
            defer { db.remove(function: function) }
            var count = RekeyCount()
            // Records, a page at a time (a million sealed states do not fit in memory at once).
            var last: Int64 = 0
            let update = try db.makeStatement(sql: "UPDATE record SET key = ?, sealed = ? WHERE rowid = ?")
            while true {
                let rows = try Row.fetchAll(
                    db, sql: "SELECT \(RecordRow.columns), rowid FROM record WHERE rowid > ? ORDER BY rowid LIMIT 1000",
                    arguments: [last])
                guard !rows.isEmpty else { break }
                for row in rows {
                    let record = try RecordRow(row: row)
                    let key = try newKey(record.key, record.level)
                    try update.execute(arguments: [key.blob, try reseal(record, key).blob, row[6] as Int64])
                    last = row[6]
                }
                count.records += rows.count
            }
            try db.execute(sql: """
                CREATE TEMP TABLE rekeyed_link AS
                    SELECT cairn_rekey(record_delta.record_key, delta.level) AS record_key, record_delta.delta_rowid AS delta_rowid
                    FROM record_delta JOIN delta ON delta.rowid = record_delta.delta_rowid;
                DELETE FROM record_delta;
                INSERT OR IGNORE INTO record_delta (record_key, delta_rowid) SELECT record_key, delta_rowid FROM rekeyed_link;
                """)
            count.links = try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM rekeyed_link") ?? 0
            try db.execute(sql: """
                DROP TABLE rekeyed_link;
                CREATE TEMP TABLE rekeyed_withdrawal AS
                    SELECT cairn_rekey(record_key, level) AS record_key, level, hlc_wall, hlc_counter, author, retracted
                    FROM withdrawn;
                DELETE FROM withdrawn;
                INSERT INTO withdrawn (record_key, level, hlc_wall, hlc_counter, author, retracted)
                    SELECT record_key, level, hlc_wall, hlc_counter, author, retracted FROM rekeyed_withdrawal;
                """)
            count.withdrawals = try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM rekeyed_withdrawal") ?? 0
            try db.execute(sql: "DROP TABLE rekeyed_withdrawal")
            try db.execute(sql: "INSERT INTO meta (key, value) VALUES (?, ?)", arguments: [flag, Data([1])])
            return count
        }
    }
}
