import GRDB

/// A bundle this site imported: remembered so that the same file is never imported twice.
public struct BundleSeenRow: Hashable, Sendable {
    /// The bundle's random id (16 bytes).
    public var bundleID: [UInt8]
    /// The sender's signing key (32 bytes) and `agency/name`.
    public var sender: [UInt8]
    public var senderRef: String
    /// Unix seconds.
    public var importedAt: Int64
    /// What it carried, and how many of its deltas were new here.
    public var deltas: Int64
    public var certificates: Int64
    public var stored: Int64

    /// Builds a row.
    public init(bundleID: [UInt8], sender: [UInt8], senderRef: String, importedAt: Int64, deltas: Int64, certificates: Int64, stored: Int64) {
        self.bundleID = bundleID
        self.sender = sender
        self.senderRef = senderRef
        self.importedAt = importedAt
        self.deltas = deltas
        self.certificates = certificates
        self.stored = stored
    }
}

extension CairnDatabase {
    /// Migration "v5-bundles": the last vector known for each peer device (an opaque encoding
    /// the daemon owns: a `BundleVector` body), and the bundles imported.
    static let bundleSchema = """
        CREATE TABLE peer_vector (
            device BLOB NOT NULL PRIMARY KEY,
            vector BLOB NOT NULL,
            received_at INTEGER NOT NULL
        ) WITHOUT ROWID;

        CREATE TABLE bundle_seen (
            bundle_id BLOB NOT NULL PRIMARY KEY,
            sender BLOB NOT NULL,
            sender_ref TEXT NOT NULL,
            imported_at INTEGER NOT NULL,
            deltas INTEGER NOT NULL,
            certificates INTEGER NOT NULL,
            stored INTEGER NOT NULL
        ) WITHOUT ROWID;
        """

    /// Keeps `vector` as the last one known for `device`, replacing an older one.
    public func savePeerVector(device: [UInt8], vector: [UInt8], receivedAt: Int64) throws {
        try write("save a peer's vector") { db in
            try db.cachedStatement(sql: """
                INSERT INTO peer_vector (device, vector, received_at) VALUES (?, ?, ?)
                ON CONFLICT (device) DO UPDATE SET vector = excluded.vector, received_at = excluded.received_at
                """).execute(arguments: [device.blob, vector.blob, receivedAt])
        }
    }

    /// The last vector kept for `device` and when it was received, if any.
    public func peerVector(device: [UInt8]) throws -> (vector: [UInt8], receivedAt: Int64)? {
        try read("read a peer's vector") { db in
            guard let row = try Row.fetchOne(db, sql: "SELECT vector, received_at FROM peer_vector WHERE device = ?", arguments: [device.blob])
            else { return nil }
            return (try row.bytes(0, table: "peer_vector"), try row.int64(1, table: "peer_vector"))
        }
    }

    /// The import of `bundleID`, if this site imported it.
    public func bundleSeen(_ bundleID: [UInt8]) throws -> BundleSeenRow? {
        try read("read an imported bundle") { db in
            guard
                let row = try Row.fetchOne(
                    db, sql: """
                        SELECT bundle_id, sender, sender_ref, imported_at, deltas, certificates, stored
                        FROM bundle_seen WHERE bundle_id = ?
                        """, arguments: [bundleID.blob])
            else { return nil }
            return BundleSeenRow(
                bundleID: try row.bytes(0, table: "bundle_seen"), sender: try row.bytes(1, table: "bundle_seen"),
                senderRef: try row.string(2, table: "bundle_seen"), importedAt: try row.int64(3, table: "bundle_seen"),
                deltas: try row.int64(4, table: "bundle_seen"), certificates: try row.int64(5, table: "bundle_seen"),
                stored: try row.int64(6, table: "bundle_seen"))
        }
    }

    /// Remembers an imported bundle; returns false when it was already remembered.
    @discardableResult
    public func saveBundleSeen(_ row: BundleSeenRow) throws -> Bool {
        try write("remember an imported bundle") { db in
            try db.cachedStatement(sql: """
                INSERT OR IGNORE INTO bundle_seen (bundle_id, sender, sender_ref, imported_at, deltas, certificates, stored)
                VALUES (?, ?, ?, ?, ?, ?, ?)
                """).execute(arguments: [
                row.bundleID.blob, row.sender.blob, row.senderRef, row.importedAt, row.deltas, row.certificates, row.stored,
            ])
            return db.changesCount > 0
        }
    }
}
