import GRDB

/// Withdrawn records: dropping what a site held of a record at a level, and remembering it.
///
/// The database runs with `secure_delete` on, so dropped rows and replaced envelopes are
/// overwritten with zeros in the file, and a commit that redacted something checkpoints and
/// truncates the write-ahead log, so that the old pages do not linger there either.
extension CairnDatabase {
    /// Ids and envelopes of the deltas at `level` linked to the record `key` (its history there).
    public func recordDeltas(key: [UInt8], level: String) throws -> [(id: [UInt8], envelope: [UInt8])] {
        try read("read a record's deltas") { db in
            let statement = try db.cachedStatement(
                sql: """
                    SELECT delta.id, delta.envelope FROM record_delta JOIN delta ON delta.rowid = record_delta.delta_rowid
                    WHERE record_delta.record_key = ? AND delta.level = ? ORDER BY record_delta.delta_rowid
                    """)
            var found: [(id: [UInt8], envelope: [UInt8])] = []
            let rows = try Row.fetchCursor(statement, arguments: [key.blob, level])
            while let row = try rows.next() {
                found.append((try row.bytes(0, table: "delta"), try row.bytes(1, table: "delta")))
            }
            return found
        }
    }

    /// The withdrawals of the record `key`, at every level.
    public func recordWithdrawals(key: [UInt8]) throws -> [RecordWithdrawalRow] {
        try read("read a record's withdrawals") { db in
            let statement = try db.cachedStatement(
                sql: """
                    SELECT level, hlc_wall, hlc_counter, author, retracted FROM withdrawn WHERE record_key = ?
                    """)
            return try Row.fetchAll(statement, arguments: [key.blob]).map { row in
                RecordWithdrawalRow(
                    recordKey: key, level: row[0], hlcWall: UInt64(clamping: row[1] as Int64),
                    hlcCounter: UInt32(clamping: row[2] as Int64), author: try row.bytes(3, table: "withdrawn"),
                    retracted: (row[4] as Int64) != 0)
            }
        }
    }

    /// Whether any of `keys` was retracted (one statement, for a few keys).
    public func anyRetracted(keys: [[UInt8]]) throws -> Bool {
        guard !keys.isEmpty else { return false }
        return try read("read a record's withdrawals") { db in
            let marks = Array(repeating: "?", count: keys.count).joined(separator: ",")
            let arguments = StatementArguments(keys.map { $0.blob as (any DatabaseValueConvertible)? })
            return try Bool.fetchOne(
                db, sql: "SELECT EXISTS (SELECT 1 FROM withdrawn WHERE retracted != 0 AND record_key IN (\(marks)))",
                arguments: arguments) ?? false
        }
    }

    /// Writes a batch's redaction part inside the batch's transaction.
    static func writeRedaction(_ redaction: RedactionBatch, _ db: Database) throws {
        guard !redaction.isEmpty else { return }
        if !redaction.removedRecords.isEmpty {
            let delete = try db.cachedStatement(sql: "DELETE FROM record WHERE key = ?")
            for key in redaction.removedRecords.sorted(by: { $0.lexicographicallyPrecedes($1) }) {
                try delete.execute(arguments: [key.blob])
            }
        }
        if !redaction.envelopes.isEmpty {
            let update = try db.cachedStatement(sql: "UPDATE delta SET envelope = ? WHERE id = ?")
            // A redacted delta can never be applied, so it no longer waits for its key.
            let unwait = try db.cachedStatement(
                sql: """
                    DELETE FROM unapplied WHERE delta_rowid = (SELECT rowid FROM delta WHERE id = ?)
                    """)
            for (id, envelope) in redaction.envelopes.sorted(by: { $0.key.lexicographicallyPrecedes($1.key) }) {
                try update.execute(arguments: [envelope.blob, id.blob])
                try unwait.execute(arguments: [id.blob])
            }
        }
        if !redaction.recordWithdrawals.isEmpty {
            // The newest withdrawal of a (record, level) is kept; a retraction stays one.
            let upsert = try db.cachedStatement(
                sql: """
                    INSERT INTO withdrawn (record_key, level, hlc_wall, hlc_counter, author, retracted) VALUES (?, ?, ?, ?, ?, ?)
                    ON CONFLICT (record_key, level) DO UPDATE SET
                        hlc_wall = CASE WHEN (excluded.hlc_wall, excluded.hlc_counter, excluded.author) > (hlc_wall, hlc_counter, author)
                            THEN excluded.hlc_wall ELSE hlc_wall END,
                        hlc_counter = CASE WHEN (excluded.hlc_wall, excluded.hlc_counter, excluded.author) > (hlc_wall, hlc_counter, author)
                            THEN excluded.hlc_counter ELSE hlc_counter END,
                        author = CASE WHEN (excluded.hlc_wall, excluded.hlc_counter, excluded.author) > (hlc_wall, hlc_counter, author)
                            THEN excluded.author ELSE author END,
                        retracted = max(retracted, excluded.retracted)
                    """)
            for row in redaction.recordWithdrawals {
                try upsert.execute(arguments: [
                    row.recordKey.blob, row.level, Int64(clamping: row.hlcWall), Int64(row.hlcCounter), row.author.blob,
                    row.retracted ? 1 : 0,
                ])
            }
        }
    }

    /// After a commit that dropped something: copies the log into the file and truncates it, so
    /// the pages that held the dropped bytes are gone from the log too.
    ///
    /// It cannot fail the commit, which is durable already (failing it would report a stored
    /// write as lost). A reader holding an old snapshot can make it fail or stop short; then the
    /// debt is kept, counted (`checkpointFailures`, a metric of the daemon), and paid by the
    /// checkpoint after the next commit, so the dropped bytes never stay in the log unnoticed.
    func checkpointAfterRedaction() {
        guard isFile else { return }
        do {
            _ = try writer.writeWithoutTransaction { db in try db.checkpoint(.truncate) }
            checkpointDebt.owed.store(false, ordering: .relaxed)
        } catch {
            checkpointDebt.owed.store(true, ordering: .relaxed)
            checkpointDebt.failures.add(1, ordering: .relaxed)
        }
    }

    /// Checkpoints after redactions that failed since the database was opened.
    public var checkpointFailures: Int { checkpointDebt.failures.load(ordering: .relaxed) }

    /// Whether a checkpoint after a redaction is still owed.
    var checkpointOwed: Bool { checkpointDebt.owed.load(ordering: .relaxed) }
}

extension CairnDatabase {
    /// Row keys of the records a delta is linked to (empty when it was never applied here).
    public func recordKeys(linkedTo deltaID: [UInt8]) throws -> [[UInt8]] {
        try read("read a delta's records") { db in
            let statement = try db.cachedStatement(
                sql: """
                    SELECT record_delta.record_key FROM record_delta JOIN delta ON delta.rowid = record_delta.delta_rowid
                    WHERE delta.id = ?
                    """)
            return try Row.fetchAll(statement, arguments: [deltaID.blob]).map { try $0.bytes(0, table: "record_delta") }
        }
    }
}
