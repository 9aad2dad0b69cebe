import GRDB

extension CairnDatabase {
    /// Writes `batch` in one transaction: all of it is durable when this returns, or none of it
    /// is stored and the error says why.
    ///
    /// Each delta must extend its stream by exactly one (the daemon checks this first; the store
    /// checks again so that a bug cannot leave a hole). Links may name deltas stored earlier or
    /// in this batch. Epoch keys already stored are kept as they are.
    ///
    /// - Throws: `StoreError.streamGap`, `.duplicateSequence`, `.duplicateDelta`,
    ///   `.unknownDelta` (a link), `.invalidArgument` (also a truncation that does not fit its
    ///   stream), or a database failure.
    public func commit(_ batch: WriteBatch) throws {
        try batch.validate()
        guard !batch.isEmpty else {
            return
        }
        try write("commit a batch") { db in
            let rowids = try Self.insertDeltas(batch.deltas, db)
            try Self.upsertRecords(batch.records, db)
            try Self.insertLinks(batch.links, knownRowids: rowids, db)
            try Self.insertEpochKeys(batch.epochKeys, db)
            for key in batch.meta.keys.sorted() {
                try Self.setMeta(key, batch.meta[key] ?? [], db)
            }
            try Self.appendAudit(batch.audit, db)
            try Self.writeSyncState(batch, knownRowids: rowids, db)
            try Self.writeRedaction(batch.redaction, db)
            try Self.writeTruncations(batch.truncations, db)
        }
        if !batch.redaction.isEmpty || checkpointOwed { checkpointAfterRedaction() }
    }

    /// Identifies a stream within a batch.
    private struct StreamKey: Hashable {
        let author: [UInt8]
        let level: String
    }

    /// Inserts deltas after checking contiguity, and moves each touched stream's head once.
    /// Returns the row id of each inserted delta by id, for links in the same batch.
    private static func insertDeltas(_ deltas: [NewDelta], _ db: Database) throws -> [[UInt8]: Int64] {
        guard !deltas.isEmpty else {
            return [:]
        }
        let selectHead = try db.cachedStatement(sql: "SELECT sequence FROM stream WHERE author = ? AND level = ?")
        let insert = try db.cachedStatement(sql: """
            INSERT INTO delta (id, author, level, sequence, kind, hlc_wall, hlc_counter, envelope, received_at)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
            """)
        var heads: [StreamKey: NewDelta] = [:]
        var rowids: [[UInt8]: Int64] = [:]
        rowids.reserveCapacity(deltas.count)
        for delta in deltas {
            let stream = StreamKey(author: delta.author, level: delta.level)
            let head: UInt64
            if let known = heads[stream] {
                head = known.sequence
            } else {
                let stored = try Int64.fetchOne(selectHead, arguments: [delta.author.blob, delta.level]) ?? 0
                head = UInt64(clamping: stored)
            }
            guard delta.sequence == head + 1 else {
                if delta.sequence <= head {
                    throw StoreError.duplicateSequence(
                        author: delta.author, level: delta.level, sequence: delta.sequence, head: head)
                }
                throw StoreError.streamGap(
                    author: delta.author, level: delta.level, expected: head + 1, got: delta.sequence)
            }
            guard rowids[delta.id] == nil else {
                throw StoreError.duplicateDelta(id: delta.id)
            }
            do {
                try insert.execute(arguments: [
                    delta.id.blob, delta.author.blob, delta.level, Int64(delta.sequence), Int64(delta.kind),
                    Int64(delta.hlcWall), Int64(delta.hlcCounter), delta.envelope.blob, delta.receivedAt,
                ])
            } catch let error as DatabaseError where error.resultCode == .SQLITE_CONSTRAINT {
                // Contiguity passed, so the only unique key left to collide with is the id.
                throw StoreError.duplicateDelta(id: delta.id)
            }
            rowids[delta.id] = db.lastInsertedRowID
            heads[stream] = delta
        }
        let upsertHead = try db.cachedStatement(sql: """
            INSERT INTO stream (author, level, sequence, head_id) VALUES (?, ?, ?, ?)
            ON CONFLICT (author, level) DO UPDATE SET sequence = excluded.sequence, head_id = excluded.head_id
            """)
        for head in heads.values {
            try upsertHead.execute(arguments: [head.author.blob, head.level, Int64(head.sequence), head.id.blob])
        }
        return rowids
    }

    private static func upsertRecords(_ records: [RecordRow], _ db: Database) throws {
        guard !records.isEmpty else {
            return
        }
        let upsert = try db.cachedStatement(sql: """
            INSERT INTO record (key, level, epoch_number, epoch_key_id, sealed, updated_at) VALUES (?, ?, ?, ?, ?, ?)
            ON CONFLICT (key) DO UPDATE SET level = excluded.level, epoch_number = excluded.epoch_number,
                epoch_key_id = excluded.epoch_key_id, sealed = excluded.sealed, updated_at = excluded.updated_at
            """)
        for record in records {
            try upsert.execute(arguments: [
                record.key.blob, record.level, Int64(record.epochNumber), record.epochKeyID.blob,
                record.sealed.blob, record.updatedAt,
            ])
        }
    }

    private static func insertLinks(
        _ links: [RecordDeltaLink], knownRowids: [[UInt8]: Int64], _ db: Database
    ) throws {
        guard !links.isEmpty else {
            return
        }
        let lookup = try db.cachedStatement(sql: "SELECT rowid FROM delta WHERE id = ?")
        let insert = try db.cachedStatement(sql: """
            INSERT OR IGNORE INTO record_delta (record_key, delta_rowid) VALUES (?, ?)
            """)
        for link in links {
            let rowid: Int64
            if let known = knownRowids[link.deltaID] {
                rowid = known
            } else if let stored = try Int64.fetchOne(lookup, arguments: [link.deltaID.blob]) {
                rowid = stored
            } else {
                throw StoreError.unknownDelta(id: link.deltaID)
            }
            try insert.execute(arguments: [link.recordKey.blob, rowid])
        }
    }

    private static func insertEpochKeys(_ keys: [EpochKeyRow], _ db: Database) throws {
        guard !keys.isEmpty else {
            return
        }
        let insert = try db.cachedStatement(sql: """
            INSERT INTO epoch_key (level, number, key_id, sealed, created_at) VALUES (?, ?, ?, ?, ?)
            ON CONFLICT (level, number, key_id) DO NOTHING
            """)
        for key in keys {
            try insert.execute(arguments: [
                key.level, Int64(key.number), key.keyID.blob, key.sealed.blob, key.createdAt,
            ])
        }
    }

    static func setMeta(_ key: String, _ value: [UInt8], _ db: Database) throws {
        let upsert = try db.cachedStatement(sql: """
            INSERT INTO meta (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value
            """)
        try upsert.execute(arguments: [key, value.blob])
    }
}
