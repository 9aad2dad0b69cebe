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

    static func appendAudit(_ rows: [AuditRow], _ db: Database) throws {
        guard !rows.isEmpty else { return }
        let head = try Row.fetchOne(db, sql: "SELECT seq, hash FROM audit ORDER BY seq DESC LIMIT 1")
        var expected = (try head.map { try $0.int64(0, table: "audit") } ?? 0) + 1
        var previous: [UInt8] = try head.map { try $0.bytes(1, table: "audit") } ?? [UInt8](repeating: 0, count: 32)
        let insert = try db.cachedStatement(
            sql: "INSERT INTO audit (seq, at, kind, actor, detail, previous, hash) VALUES (?, ?, ?, ?, ?, ?, ?)")
        for row in rows {
            guard row.seq == expected, row.previous == previous else {
                throw StoreError.invalidArgument(reason: "audit entry \(row.seq) does not continue the chain at \(expected)")
            }
            try insert.execute(arguments: [row.seq, row.at, row.kind, row.actor, row.detail, row.previous.blob, row.hash.blob])
            expected += 1
            previous = row.hash
        }
    }

    private static func auditRow(_ row: Row) throws -> AuditRow {
        AuditRow(
            seq: try row.int64(0, table: "audit"), at: try row.int64(1, table: "audit"),
            kind: try row.string(2, table: "audit"), actor: try row.string(3, table: "audit"),
            detail: try row.string(4, table: "audit"), previous: try row.bytes(5, table: "audit"),
            hash: try row.bytes(6, table: "audit"))
    }
}
