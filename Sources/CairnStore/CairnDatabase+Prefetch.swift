import GRDB

/// Reads of many records at once, for the apply path: a group that applies thousands of
/// received deltas asks for their records in a few statements inside one read transaction
/// instead of two reads per delta.
extension CairnDatabase {
    /// Keys per statement (SQLite allows far more bound parameters; this keeps each statement's
    /// plan and memory small).
    static let prefetchChunk = 500

    /// The stored records among `keys` (absent keys have none) and every withdrawal of those
    /// keys, in one read transaction.
    public func prefetch(keys: [[UInt8]]) throws -> (records: [RecordRow], withdrawals: [RecordWithdrawalRow]) {
        guard !keys.isEmpty else { return ([], []) }
        return try read("read records to apply deltas to") { db in
            var records: [RecordRow] = []
            var withdrawals: [RecordWithdrawalRow] = []
            var start = 0
            while start < keys.count {
                let chunk = keys[start..<min(start + Self.prefetchChunk, keys.count)]
                start += chunk.count
                let marks = Array(repeating: "?", count: chunk.count).joined(separator: ",")
                let arguments = StatementArguments(chunk.map { $0.blob as (any DatabaseValueConvertible)? })
                for row in try Row.fetchAll(db, sql: "SELECT \(RecordRow.columns) FROM record WHERE key IN (\(marks))", arguments: arguments) {
                    records.append(try RecordRow(row: row))
                }
                let sql = "SELECT record_key, level, hlc_wall, hlc_counter, author, retracted FROM withdrawn WHERE record_key IN (\(marks))"
                for row in try Row.fetchAll(db, sql: sql, arguments: arguments) {
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
}
