import GRDB

/// The database schema, as an ordered list of migrations.
///
/// Shipped migrations never change: a site's database records which ones it ran, and editing one
/// would leave old and new sites with different schemas under the same name. To change the
/// schema, append a new migration ("v2-…") below the last one.
///
/// Tables that grow with traffic (`delta`, `record_delta`, `quarantine`) have INTEGER row ids
/// assigned in arrival order, so inserts append to the end of the table's B-tree; the random
/// 32-byte ids live in UNIQUE indexes instead of being the primary key (SQLite inserts 4–5 times
/// fewer rows per second into a table keyed by random bytes). Row ids are declared explicitly
/// so that VACUUM cannot renumber them: `record_delta` and the paged readers rely on them.
enum StoreSchema {
    static var migrator: DatabaseMigrator {
        var migrator = DatabaseMigrator()
        migrator.registerMigration("v1-initial-schema") { db in
            try db.execute(sql: v1)
        }
        migrator.registerMigration("v2-audit-log") { db in
            try db.execute(sql: v2)
        }
        migrator.registerMigration("v3-sync") { db in
            try db.execute(sql: v3)
        }
        migrator.registerMigration("v4-revocations") { db in
            try db.execute(sql: v4)
        }
        migrator.registerMigration("v5-bundles") { db in
            try db.execute(sql: CairnDatabase.bundleSchema)
        }
        migrator.registerMigration("v6-redaction") { db in
            try db.execute(sql: v6)
        }
        migrator.registerMigration("v7-audit-anchor") { db in
            try db.execute(sql: v7)
        }
        return migrator
    }

    /// The anchored audit log: chain breaks and their acknowledgements are found through a
    /// partial index (read at every start, without reading the whole log; an index of every
    /// entry's kind would cost each append more), and the newest signed head of each peer's log
    /// is kept, so that a peer that lost its log's tail can be told how far it once reached.
    private static let v7 = """
        CREATE INDEX audit_breaks ON audit(seq) WHERE kind IN ('audit.chain_break', 'audit.break_acknowledged');

        CREATE TABLE audit_witness (
            device BLOB NOT NULL PRIMARY KEY,
            seq INTEGER NOT NULL CHECK (seq >= 1),
            hash BLOB NOT NULL,
            signed_at INTEGER NOT NULL,
            signature BLOB NOT NULL,
            received_at INTEGER NOT NULL
        ) WITHOUT ROWID;
        """

    /// Records withdrawn from a level (reclassified elsewhere, or retracted): the newest
    /// withdrawal's stamp per (record, level), so that deltas of the record at that level that
    /// arrive later are stored redacted and never applied.
    private static let v6 = """
        CREATE TABLE withdrawn (
            record_key BLOB NOT NULL,
            level TEXT NOT NULL,
            hlc_wall INTEGER NOT NULL,
            hlc_counter INTEGER NOT NULL,
            author BLOB NOT NULL,
            retracted INTEGER NOT NULL,
            PRIMARY KEY (record_key, level)
        ) WITHOUT ROWID;
        """

    /// Revocations this site has verified (kept verbatim, to pass on to peers and to re-verify
    /// at start), keyed by the serial of the certificate they withdraw.
    private static let v4 = """
        CREATE TABLE revocation (
            serial BLOB NOT NULL PRIMARY KEY,
            agency TEXT NOT NULL,
            device TEXT NOT NULL,
            effective_at INTEGER NOT NULL,
            signed BLOB NOT NULL,
            learned_at INTEGER NOT NULL
        ) WITHOUT ROWID;
        """

    /// Federation sync: the device certificates this site knows (its own and its peers', kept
    /// to verify the deltas they author), the peers an admin added at run time, the deltas
    /// stored but not yet applied because their epoch key has not arrived, the grants seen (who
    /// holds which key), and evidence of equivocation.
    private static let v3 = """
        CREATE TABLE device (
            signing_key BLOB NOT NULL PRIMARY KEY,
            agency TEXT NOT NULL,
            name TEXT NOT NULL,
            clearance TEXT NOT NULL,
            tls_key BLOB NOT NULL,
            not_after INTEGER NOT NULL,
            certificate BLOB NOT NULL,
            learned_at INTEGER NOT NULL
        ) WITHOUT ROWID;
        CREATE INDEX device_by_tls_key ON device(tls_key);

        CREATE TABLE peer (
            name TEXT NOT NULL PRIMARY KEY,
            address TEXT NOT NULL,
            added_at INTEGER NOT NULL
        ) WITHOUT ROWID;

        CREATE TABLE unapplied (
            delta_rowid INTEGER NOT NULL PRIMARY KEY REFERENCES delta(rowid) ON DELETE CASCADE,
            level TEXT NOT NULL,
            epoch_number INTEGER NOT NULL,
            epoch_key_id BLOB NOT NULL
        );
        CREATE INDEX unapplied_by_epoch ON unapplied(level, epoch_number, epoch_key_id);

        CREATE TABLE grant_seen (
            level TEXT NOT NULL,
            epoch_number INTEGER NOT NULL,
            epoch_key_id BLOB NOT NULL,
            recipient BLOB NOT NULL,
            PRIMARY KEY (level, epoch_number, epoch_key_id, recipient)
        ) WITHOUT ROWID;
        """

    /// The append-only, hash-chained audit log: each entry's hash covers its fields and the
    /// hash of the entry before it (computed by the daemon), so an edit, removal or reordering
    /// breaks the chain from that entry on.
    private static let v2 = """
        CREATE TABLE audit (
            seq INTEGER PRIMARY KEY CHECK (seq >= 1),
            at INTEGER NOT NULL,
            kind TEXT NOT NULL,
            actor TEXT NOT NULL,
            detail TEXT NOT NULL,
            previous BLOB NOT NULL,
            hash BLOB NOT NULL
        );
        """

    private static let v1 = """
        CREATE TABLE delta (
            rowid INTEGER PRIMARY KEY,
            id BLOB NOT NULL UNIQUE,
            author BLOB NOT NULL,
            level TEXT NOT NULL,
            sequence INTEGER NOT NULL CHECK (sequence >= 1),
            kind INTEGER NOT NULL,
            hlc_wall INTEGER NOT NULL,
            hlc_counter INTEGER NOT NULL,
            envelope BLOB NOT NULL,
            received_at INTEGER NOT NULL,
            UNIQUE (author, level, sequence)
        );
        CREATE INDEX delta_by_level ON delta(level);

        CREATE TABLE stream (
            author BLOB NOT NULL,
            level TEXT NOT NULL,
            sequence INTEGER NOT NULL CHECK (sequence >= 1),
            head_id BLOB NOT NULL,
            PRIMARY KEY (author, level)
        ) WITHOUT ROWID;

        CREATE TABLE record (
            rowid INTEGER PRIMARY KEY,
            key BLOB NOT NULL UNIQUE,
            level TEXT NOT NULL,
            epoch_number INTEGER NOT NULL,
            epoch_key_id BLOB NOT NULL,
            sealed BLOB NOT NULL,
            updated_at INTEGER NOT NULL
        );
        CREATE INDEX record_by_level ON record(level);

        CREATE TABLE record_delta (
            record_key BLOB NOT NULL,
            delta_rowid INTEGER NOT NULL REFERENCES delta(rowid) ON DELETE CASCADE,
            PRIMARY KEY (record_key, delta_rowid)
        ) WITHOUT ROWID;
        CREATE INDEX record_delta_by_delta ON record_delta(delta_rowid);

        CREATE TABLE epoch_key (
            level TEXT NOT NULL,
            number INTEGER NOT NULL,
            key_id BLOB NOT NULL,
            sealed BLOB NOT NULL,
            created_at INTEGER NOT NULL,
            UNIQUE (level, number, key_id)
        );

        CREATE TABLE meta (
            key TEXT NOT NULL PRIMARY KEY,
            value BLOB NOT NULL
        ) WITHOUT ROWID;

        CREATE TABLE quarantine (
            rowid INTEGER PRIMARY KEY,
            delta_id BLOB NOT NULL,
            author BLOB NOT NULL,
            level TEXT NOT NULL,
            sequence INTEGER NOT NULL,
            kind INTEGER NOT NULL,
            envelope BLOB NOT NULL,
            received_at INTEGER NOT NULL,
            reason TEXT NOT NULL,
            detected_at INTEGER NOT NULL
        );
        CREATE INDEX quarantine_by_delta ON quarantine(delta_id);
        """
}
