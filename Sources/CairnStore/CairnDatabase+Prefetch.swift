import GRDB

/// Reads of many records at once: a group that applies thousands of received deltas, or builds
/// a run of local writes, asks for their records in a few statements inside one read
/// transaction instead of reading per delta or per write.
extension CairnDatabase {
    /// Keys per statement (SQLite allows far more bound parameters; this keeps each statement's
    /// plan and memory small).
    static let prefetchChunk = 512

    /// The stored records among `keys` (absent keys have none) and every withdrawal of those
    /// keys, read on the writer's connection outside a transaction: only the one writer calls
    /// this (the ledger, between its commits), so nothing changes the store meanwhile, and the
    /// writer's page cache holds what the last groups wrote. A pool reader cost a read
    /// transaction of its own (begin, commit, a colder cache) per group.
    ///
    /// Each chunk is padded to a power of two by repeating its last key (a key named twice in
    /// `IN (…)` matches once), so that a handful of prepared statements serve every size and stay
    /// in the connection's statement cache: preparing a fresh statement for each count of keys
    /// cost more than the read.
    public func prefetch(keys: [[UInt8]]) throws -> (records: [RecordRow], withdrawals: [RecordWithdrawalRow]) {
        guard !keys.isEmpty else { return ([], []) }
        return try readOnWriter("read records ahead") { db in
            var records: [RecordRow] = []
            var withdrawals: [RecordWithdrawalRow] = []
            var start = 0
            while start < keys.count {
                let chunk = keys[start..<min(start + Self.prefetchChunk, keys.count)]
                start += chunk.count
                let size = Self.paddedCount(chunk.count)
                var values = chunk.map { $0.blob as (any DatabaseValueConvertible)? }
                values += Array(repeating: chunk.last!.blob, count: size - chunk.count)
                let arguments = StatementArguments(values)
                let marks = Array(repeating: "?", count: size).joined(separator: ",")
                let selectRecords = try db.cachedStatement(sql: "SELECT \(RecordRow.columns) FROM record WHERE key IN (\(marks))")
                for row in try Row.fetchAll(selectRecords, arguments: arguments) {
                    records.append(try RecordRow(row: row))
                }
                let selectWithdrawals = try db.cachedStatement(
                    sql: "SELECT record_key, level, hlc_wall, hlc_counter, author, retracted FROM withdrawn WHERE record_key IN (\(marks))")
                for row in try Row.fetchAll(selectWithdrawals, arguments: arguments) {
                    withdrawals.append(
                        RecordWithdrawalRow(
                            recordKey: try row.bytes(0, table: "withdrawn"), level: row[1], hlcWall: UInt64(clamping: row[2] as Int64),
                            hlcCounter: UInt32(clamping: row[3] as Int64), author: try row.bytes(4, table: "withdrawn"),
                            retracted: (row[5] as Int64) != 0))
                }
            }
            return (records, withdrawals)
        }
    }

    /// The statement size serving `count` keys: the next power of two, at least 4.
    static func paddedCount(_ count: Int) -> Int {
        var size = 4
        while size < count { size *= 2 }
        return size
    }
}
