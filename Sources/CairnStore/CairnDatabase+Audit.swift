import GRDB

extension CairnDatabase {
    /// Appends audit entries in their own transaction.
    public func appendAudit(_ rows: [AuditRow]) throws {
        try commit(WriteBatch(audit: rows))
    }

    /// The last entry's sequence number and hash, or nil for an empty log.
    public func auditHead() throws -> (seq: Int64, hash: [UInt8])? {
        try read("read the audit head") { db in
            try Row.fetchOne(db, sql: "SELECT seq, hash FROM audit ORDER BY seq DESC LIMIT 1").map { row in
                (try row.int64(0, table: "audit"), try row.bytes(1, table: "audit"))
            }
        }
    }

    /// Entries with `seq > after`, oldest first, at most `limit`.
    public func auditEntries(after: Int64 = 0, limit: Int = 1000) throws -> [AuditRow] {
        try read("read the audit log") { db in
            try Row.fetchAll(
                db, sql: "SELECT seq, at, kind, actor, detail, previous, hash FROM audit WHERE seq > ? ORDER BY seq LIMIT ?",
                arguments: [after, limit]
            ).map { try Self.auditRow($0) }
        }
    }

    /// Every entry in stored order (by `seq`), page by page, for verification and export.
    public func forEachAudit(_ body: (AuditRow) throws -> Bool) throws {
        var after: Int64 = 0
        while true {
            let page = try auditEntries(after: after, limit: 512)
            for row in page {
                guard try body(row) else { return }
            }
            guard let last = page.last else { return }
            after = last.seq
        }
    }

    /// The entry `seq`, if stored.
    public func auditEntry(seq: Int64) throws -> AuditRow? {
        try read("read an audit entry") { db in
            try Row.fetchOne(
                db, sql: "SELECT seq, at, kind, actor, detail, previous, hash FROM audit WHERE seq = ?", arguments: [seq]
            ).map { try Self.auditRow($0) }
        }
    }

    /// Every chain break and acknowledgement entry, oldest first (from a partial index, so
    /// without reading the rest of the log).
    public func auditBreakEntries() throws -> [AuditRow] {
        try read("read the audit log's breaks") { db in
            try Row.fetchAll(
                db,
                sql: """
                    SELECT seq, at, kind, actor, detail, previous, hash FROM audit
                    WHERE kind IN ('audit.chain_break', 'audit.break_acknowledged') ORDER BY seq
                    """
            ).map { try Self.auditRow($0) }
        }
    }

    /// Appends `rows` after the stored head. The first row must chain to the stored head
    /// (else `auditChainMoved`: the log was cut or extended outside the daemon), and each row
    /// to the one before it with the next sequence number, except that a chain break entry
    /// (`AuditRow.chainBreakKind`) may skip sequence numbers: those it skips are the ones lost.
    static func appendAudit(_ rows: [AuditRow], _ db: Database) throws {
        guard let first = rows.first else { return }
        let head = try Row.fetchOne(db, sql: "SELECT seq, hash FROM audit ORDER BY seq DESC LIMIT 1")
        let storedSeq = try head.map { try $0.int64(0, table: "audit") } ?? 0
        var previous: [UInt8] = try head.map { try $0.bytes(1, table: "audit") } ?? [UInt8](repeating: 0, count: 32)
        guard Self.continues(first, seq: storedSeq, hash: previous) else {
            throw StoreError.auditChainMoved(
                expectedSeq: first.seq - 1, foundSeq: storedSeq, foundHash: head == nil ? [] : previous)
        }
        var last = storedSeq
        let insert = try db.cachedStatement(
            sql: "INSERT INTO audit (seq, at, kind, actor, detail, previous, hash) VALUES (?, ?, ?, ?, ?, ?, ?)")
        for row in rows {
            guard Self.continues(row, seq: last, hash: previous) else {
                throw StoreError.invalidArgument(reason: "audit entry \(row.seq) does not continue the chain at \(last + 1)")
            }
            try insert.execute(arguments: [row.seq, row.at, row.kind, row.actor, row.detail, row.previous.blob, row.hash.blob])
            last = row.seq
            previous = row.hash
        }
    }

    /// Whether `row` may follow the entry (`seq`, `hash`).
    private static func continues(_ row: AuditRow, seq: Int64, hash: [UInt8]) -> Bool {
        guard row.previous == hash else { return false }
        return row.seq == seq + 1 || (row.kind == AuditRow.chainBreakKind && row.seq > seq + 1)
    }

    private static func auditRow(_ row: Row) throws -> AuditRow {
        AuditRow(
            seq: try row.int64(0, table: "audit"), at: try row.int64(1, table: "audit"),
            kind: try row.string(2, table: "audit"), actor: try row.string(3, table: "audit"),
            detail: try row.string(4, table: "audit"), previous: try row.bytes(5, table: "audit"),
            hash: try row.bytes(6, table: "audit"))
    }
}
