import Foundation
import GRDB

/// Withdrawing the end of a stream (a retroactive revocation), and the reads that plan it.
extension CairnDatabase {
    /// Per level, the lowest sequence of a stored delta by `author` whose HLC wall time is at or
    /// after `wallMillis`: where a revocation effective then cuts each of the device's streams.
    /// Levels with no such delta are absent.
    public func firstSequences(author: [UInt8], stampedFrom wallMillis: UInt64) throws -> [String: UInt64] {
        try read("read where a device's streams are withdrawn") { db in
            let statement = try db.cachedStatement(
                sql: "SELECT level, MIN(sequence) FROM delta WHERE author = ? AND hlc_wall >= ? GROUP BY level")
            var cuts: [String: UInt64] = [:]
            for row in try Row.fetchAll(statement, arguments: [author.blob, Int64(clamping: wallMillis)]) {
                cuts[try row.string(0, table: "delta")] = try row.integer(1, table: "delta", as: UInt64.self)
            }
            return cuts
        }
    }

    /// Row keys of the records linked to the deltas of `(author, level)` numbered `from` through
    /// `through`: the records whose state a withdrawal of those deltas must recompute.
    public func recordKeys(author: [UInt8], level: String, from: UInt64, through: UInt64) throws -> [[UInt8]] {
        try read("read the records of a stream's deltas") { db in
            let statement = try db.cachedStatement(
                sql: """
                    SELECT DISTINCT record_delta.record_key FROM delta JOIN record_delta ON record_delta.delta_rowid = delta.rowid
                    WHERE delta.author = ? AND delta.level = ? AND delta.sequence BETWEEN ? AND ?
                    """)
            return try Row.fetchAll(
                statement, arguments: [author.blob, level, Int64(clamping: from), Int64(clamping: through)]
            ).map { try $0.bytes(0, table: "record_delta") }
        }
    }

    /// Ids of the stored deltas of `(author, level)` numbered `from` through `through`, by
    /// sequence (a quarantined position is absent).
    public func deltaIDs(author: [UInt8], level: String, from: UInt64, through: UInt64) throws -> [UInt64: [UInt8]] {
        try read("read a stream's delta ids") { db in
            let statement = try db.cachedStatement(
                sql: "SELECT sequence, id FROM delta WHERE author = ? AND level = ? AND sequence BETWEEN ? AND ?")
            var ids: [UInt64: [UInt8]] = [:]
            for row in try Row.fetchAll(
                statement, arguments: [author.blob, level, Int64(clamping: from), Int64(clamping: through)])
            {
                ids[try row.integer(0, table: "delta", as: UInt64.self)] = try row.bytes(1, table: "delta")
            }
            return ids
        }
    }

    /// The id of the delta at `sequence` of `(author, level)`: stored, or else quarantined as
    /// damaged (its position stays taken); nil when neither. What a stream's head becomes when
    /// everything after that position is withdrawn.
    public func positionID(author: [UInt8], level: String, sequence: UInt64) throws -> [UInt8]? {
        try read("read a stream position") { db in
            let arguments: StatementArguments = [author.blob, level, Int64(clamping: sequence)]
            let stored = try db.cachedStatement(sql: "SELECT id FROM delta WHERE author = ? AND level = ? AND sequence = ?")
            let kept = try db.cachedStatement(
                sql: "SELECT delta_id FROM quarantine WHERE author = ? AND level = ? AND sequence = ? ORDER BY rowid LIMIT 1")
            return try (Data.fetchOne(stored, arguments: arguments) ?? Data.fetchOne(kept, arguments: arguments)).map { [UInt8]($0) }
        }
    }

    /// Applies a batch's truncations inside its transaction, after its deltas and redactions.
    ///
    /// - Throws: `StoreError.invalidArgument` when a truncation starts above its stream's head
    ///   (or at 0), or when the delta before it is neither stored nor quarantined.
    static func writeTruncations(_ truncations: [StreamTruncation], _ db: Database) throws {
        guard !truncations.isEmpty else { return }
        let head = try db.cachedStatement(sql: "SELECT sequence FROM stream WHERE author = ? AND level = ?")
        let copy = try db.cachedStatement(
            sql: """
                INSERT INTO quarantine (delta_id, author, level, sequence, kind, envelope, received_at, reason, detected_at)
                SELECT id, author, level, sequence, kind, envelope, received_at, ?, ? FROM delta
                WHERE author = ? AND level = ? AND sequence >= ? ORDER BY sequence
                """)
        // Deleting a delta also deletes its history links and its waiting row (ON DELETE CASCADE).
        let delete = try db.cachedStatement(sql: "DELETE FROM delta WHERE author = ? AND level = ? AND sequence >= ?")
        let stored = try db.cachedStatement(sql: "SELECT id FROM delta WHERE author = ? AND level = ? AND sequence = ?")
        let kept = try db.cachedStatement(
            sql: "SELECT delta_id FROM quarantine WHERE author = ? AND level = ? AND sequence = ? ORDER BY rowid LIMIT 1")
        let move = try db.cachedStatement(sql: "UPDATE stream SET sequence = ?, head_id = ? WHERE author = ? AND level = ?")
        let drop = try db.cachedStatement(sql: "DELETE FROM stream WHERE author = ? AND level = ?")
        for cut in truncations {
            try WriteBatch.check(id: cut.author, "truncated stream's author")
            try WriteBatch.check(level: cut.level)
            try WriteBatch.check(cut.fromSequence >= 1 && cut.fromSequence <= UInt64(Int64.max), "a truncation starts at sequence 1 or later")
            let from = Int64(cut.fromSequence)
            let current = try Int64.fetchOne(head, arguments: [cut.author.blob, cut.level]) ?? 0
            try WriteBatch.check(from <= current, "a truncation from \(from) is above its stream's head \(current)")
            try copy.execute(arguments: [cut.reason, cut.detectedAt, cut.author.blob, cut.level, from])
            try delete.execute(arguments: [cut.author.blob, cut.level, from])
            guard from > 1 else {
                try drop.execute(arguments: [cut.author.blob, cut.level])
                continue
            }
            // The new head: the delta before the cut (or, if that one was quarantined as damaged,
            // the id it had, so that the chain's next link still names it).
            let position: StatementArguments = [cut.author.blob, cut.level, from - 1]
            guard let id = try Data.fetchOne(stored, arguments: position) ?? Data.fetchOne(kept, arguments: position) else {
                throw StoreError.invalidArgument(reason: "the delta before a truncation at \(from) is not held")
            }
            try move.execute(arguments: [from - 1, id, cut.author.blob, cut.level])
        }
    }
}
