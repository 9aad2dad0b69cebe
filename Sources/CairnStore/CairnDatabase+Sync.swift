import GRDB

extension CairnDatabase {
    /// Writes a batch's sync bookkeeping: devices, deltas waiting for keys (and those applied
    /// now), grants seen, and equivocation evidence.
    static func writeSyncState(_ batch: WriteBatch, knownRowids: [[UInt8]: Int64], _ db: Database) throws {
        if !batch.devices.isEmpty {
            let upsert = try db.cachedStatement(sql: """
                INSERT INTO device (signing_key, agency, name, clearance, tls_key, not_after, certificate, learned_at)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?)
                ON CONFLICT (signing_key) DO UPDATE SET agency = excluded.agency, name = excluded.name,
                    clearance = excluded.clearance, tls_key = excluded.tls_key, not_after = excluded.not_after,
                    certificate = excluded.certificate
                """)
            for device in batch.devices {
                try upsert.execute(arguments: [
                    device.signingKey.blob, device.agency, device.name, device.clearance, device.tlsKey.blob,
                    device.notAfter, device.certificate.blob, device.learnedAt,
                ])
            }
        }
        if !batch.unapplied.isEmpty || !batch.applied.isEmpty {
            let lookup = try db.cachedStatement(sql: "SELECT rowid FROM delta WHERE id = ?")
            func rowid(_ id: [UInt8]) throws -> Int64 {
                if let known = knownRowids[id] { return known }
                guard let stored = try Int64.fetchOne(lookup, arguments: [id.blob]) else {
                    throw StoreError.unknownDelta(id: id)
                }
                return stored
            }
            let insert = try db.cachedStatement(sql: """
                INSERT OR IGNORE INTO unapplied (delta_rowid, level, epoch_number, epoch_key_id) VALUES (?, ?, ?, ?)
                """)
            for waiting in batch.unapplied {
                try insert.execute(arguments: [
                    try rowid(waiting.deltaID), waiting.level, Int64(waiting.epochNumber), waiting.epochKeyID.blob,
                ])
            }
            let remove = try db.cachedStatement(sql: "DELETE FROM unapplied WHERE delta_rowid = ?")
            for id in batch.applied {
                try remove.execute(arguments: [try rowid(id)])
            }
        }
        if !batch.grants.isEmpty {
            let insert = try db.cachedStatement(sql: """
                INSERT OR IGNORE INTO grant_seen (level, epoch_number, epoch_key_id, recipient) VALUES (?, ?, ?, ?)
                """)
            for grant in batch.grants {
                try insert.execute(arguments: [grant.level, Int64(grant.epochNumber), grant.epochKeyID.blob, grant.recipient.blob])
            }
        }
        if !batch.revocations.isEmpty {
            let insert = try db.cachedStatement(sql: """
                INSERT OR IGNORE INTO revocation (serial, agency, device, effective_at, signed, learned_at)
                VALUES (?, ?, ?, ?, ?, ?)
                """)
            for row in batch.revocations {
                try insert.execute(arguments: [
                    row.serial.blob, row.agency, row.device, row.effectiveAt, row.signed.blob, row.learnedAt,
                ])
            }
        }
        if !batch.evidence.isEmpty {
            // Evidence is kept once, however often a peer sends the same delta again.
            let insert = try db.cachedStatement(sql: """
                INSERT INTO quarantine (delta_id, author, level, sequence, kind, envelope, received_at, reason, detected_at)
                SELECT ?, ?, ?, ?, ?, ?, ?, ?, ? WHERE NOT EXISTS (SELECT 1 FROM quarantine WHERE delta_id = ?)
                """)
            for row in batch.evidence {
                try insert.execute(arguments: [
                    row.deltaID.blob, row.author.blob, row.level, Int64(clamping: row.sequence), Int64(row.kind),
                    row.envelope.blob, row.receivedAt, row.reason, row.detectedAt, row.deltaID.blob,
                ])
            }
        }
    }

    /// Every device certificate this site keeps.
    public func devices() throws -> [DeviceRow] {
        try read("read devices") { db in
            let statement = try db.cachedStatement(sql: """
                SELECT signing_key, agency, name, clearance, tls_key, not_after, certificate, learned_at
                FROM device ORDER BY agency, name
                """)
            return try Row.fetchAll(statement).map { row in
                DeviceRow(
                    signingKey: try row.bytes(0, table: "device"), agency: try row.string(1, table: "device"),
                    name: try row.string(2, table: "device"), clearance: try row.string(3, table: "device"),
                    tlsKey: try row.bytes(4, table: "device"), notAfter: try row.int64(5, table: "device"),
                    certificate: try row.bytes(6, table: "device"), learnedAt: try row.int64(7, table: "device"))
            }
        }
    }

    /// The first `limit` stored deltas waiting for the epoch key (level, number, key id), in
    /// arrival order.
    public func unappliedDeltas(level: String, epochNumber: UInt32, epochKeyID: [UInt8], limit: Int = Int.max) throws
        -> [StoredDelta]
    {
        try read("read deltas waiting for a key") { db in
            let statement = try db.cachedStatement(sql: """
                SELECT \(StoredDelta.columns(prefix: "d.")) FROM unapplied u JOIN delta d ON d.rowid = u.delta_rowid
                WHERE u.level = ? AND u.epoch_number = ? AND u.epoch_key_id = ? ORDER BY u.delta_rowid LIMIT ?
                """)
            return try Row.fetchAll(statement, arguments: [level, Int64(epochNumber), epochKeyID.blob, Int64(clamping: limit)])
                .map(StoredDelta.init(row:))
        }
    }

    /// Every epoch key (level, number, key id) some stored delta waits for.
    public func unappliedEpochs() throws -> [(level: String, epochNumber: UInt32, epochKeyID: [UInt8])] {
        try read("list the keys deltas wait for") { db in
            try Row.fetchAll(db, sql: "SELECT DISTINCT level, epoch_number, epoch_key_id FROM unapplied").map { row in
                (
                    try row.string(0, table: "unapplied"), UInt32(clamping: try row.int64(1, table: "unapplied")),
                    try row.bytes(2, table: "unapplied")
                )
            }
        }
    }

    /// How many stored deltas wait for a key, per level.
    public func unappliedCounts() throws -> [String: Int] {
        try read("count deltas waiting for a key") { db in
            var counts: [String: Int] = [:]
            for row in try Row.fetchAll(db, sql: "SELECT level, COUNT(*) FROM unapplied GROUP BY level") {
                counts[try row.string(0, table: "unapplied")] = Int(try row.int64(1, table: "unapplied"))
            }
            return counts
        }
    }

    /// Every grant seen.
    public func grantsSeen() throws -> [GrantSeen] {
        try read("read grants") { db in
            try Row.fetchAll(db, sql: "SELECT level, epoch_number, epoch_key_id, recipient FROM grant_seen").map { row in
                GrantSeen(
                    level: try row.string(0, table: "grant_seen"),
                    epochNumber: try row.integer(1, table: "grant_seen", as: UInt32.self),
                    epochKeyID: try row.bytes(2, table: "grant_seen"), recipient: try row.bytes(3, table: "grant_seen"))
            }
        }
    }

    /// The delta at one position of a stream, if stored.
    public func delta(author: [UInt8], level: String, sequence: UInt64) throws -> StoredDelta? {
        try read("read a delta") { db in
            let statement = try db.cachedStatement(
                sql: "SELECT \(StoredDelta.columns) FROM delta WHERE author = ? AND level = ? AND sequence = ?")
            return try Row.fetchOne(statement, arguments: [author.blob, level, Int64(clamping: sequence)])
                .map(StoredDelta.init(row:))
        }
    }

    /// Peers added at run time, by name.
    public func peers() throws -> [PeerRow] {
        try read("read peers") { db in
            try Row.fetchAll(db, sql: "SELECT name, address, added_at FROM peer ORDER BY name").map { row in
                PeerRow(name: try row.string(0, table: "peer"), address: try row.string(1, table: "peer"), addedAt: try row.int64(2, table: "peer"))
            }
        }
    }

    /// Adds or replaces a peer.
    public func savePeer(_ peer: PeerRow) throws {
        try write("save a peer") { db in
            try db.cachedStatement(sql: """
                INSERT INTO peer (name, address, added_at) VALUES (?, ?, ?)
                ON CONFLICT (name) DO UPDATE SET address = excluded.address
                """).execute(arguments: [peer.name, peer.address, peer.addedAt])
        }
    }

    /// Removes a peer; returns whether it existed.
    public func removePeer(named name: String) throws -> Bool {
        try write("remove a peer") { db in
            try db.cachedStatement(sql: "DELETE FROM peer WHERE name = ?").execute(arguments: [name])
            return db.changesCount > 0
        }
    }
}
