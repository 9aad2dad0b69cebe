import GRDB
import Synchronization

/// The site's durable store: one SQLite database holding only bytes the daemon has already sealed
/// or signed (deltas as received, records and keys sealed, a keyed-hash index).
///
/// The store never sees plaintext and does no cryptography; its job is durability and atomicity.
/// Every write goes through one transaction and is on disk when the call returns (WAL with
/// `synchronous = FULL`), so an acknowledged write survives `kill -9` and power loss.
///
/// Methods may be called from any thread. They are synchronous and short; the daemon calls them
/// from its own executor. Closures handed to `forEach…` run outside any database access, so
/// they may call back into the store.
public final class CairnDatabase: Sendable {
    /// How long a write waits for another process's lock before failing with `StoreError.busy`.
    static let busyTimeoutSeconds: Double = 5
    /// Size SQLite trims the WAL file back to after a checkpoint, so a burst does not leave a
    /// large file behind.
    static let walSizeLimitBytes = 64 * 1024 * 1024
    /// WAL frames after which a commit checkpoints (SQLite's default is 1,000). A page written
    /// again and again between two checkpoints (index pages, the tree's upper levels) is copied
    /// to the database once per checkpoint: with 8,000 (32 MiB) the writer spends about 15% less
    /// CPU per local write and ingest runs 12% faster than with 1,000; the commit that crosses
    /// the mark pays a longer checkpoint (Docs/Performance.md, "Checkpoints").
    static let autoCheckpointPages = 8_000

    /// The GRDB connection: a `DatabasePool` for files, a `DatabaseQueue` in memory.
    let writer: any DatabaseWriter
    /// The database file's path (":memory:" in memory), for messages and file sizes.
    public let path: String
    /// False for the in-memory database, which has no files.
    let isFile: Bool
    /// Failures tests inject to check that callers fail closed (see `StoreFaults`).
    public let faults = StoreFaults()
    /// Checkpoints owed after redactions (see `checkpointAfterRedaction`).
    let checkpointDebt = CheckpointDebt()

    private init(writer: any DatabaseWriter, path: String, isFile: Bool) {
        self.writer = writer
        self.path = path
        self.isFile = isFile
    }

    /// Opens the database at `path`, creating it (mode 0600) if needed and bringing its schema up
    /// to date. The directory must exist.
    ///
    /// - Throws: `StoreError.corrupt` when the file is not a readable database,
    ///   `.newerSchema` when a newer Cairn wrote it, `.cannotOpen` for missing directories or
    ///   permissions.
    public convenience init(path: String) throws {
        try FilePermissions.createOwnerOnlyFile(path)
        let pool: DatabasePool
        do {
            pool = try DatabasePool(path: path, configuration: Self.configuration())
            // GRDB sets `synchronous = NORMAL` when it enables WAL; NORMAL may lose the last
            // commits on power loss, so put FULL back on the (single, long-lived) writer.
            try pool.writeWithoutTransaction { db in
                try db.execute(sql: "PRAGMA synchronous = FULL")
                try db.execute(sql: "PRAGMA journal_size_limit = \(Self.walSizeLimitBytes)")
                try db.execute(sql: "PRAGMA wal_autocheckpoint = \(Self.autoCheckpointPages)")
            }
        } catch {
            throw StoreError.wrapping(error, path: path, operation: "open the database")
        }
        self.init(writer: pool, path: path, isFile: true)
        try FilePermissions.tighten(FilePermissions.databaseFiles(path))
        try migrate()
    }

    /// A fresh database in memory, for tests and tools: same schema and behaviour, no files.
    public static func inMemory() throws -> CairnDatabase {
        let queue: DatabaseQueue
        do {
            queue = try DatabaseQueue(configuration: configuration())
        } catch {
            throw StoreError.wrapping(error, path: ":memory:", operation: "open the database")
        }
        let database = CairnDatabase(writer: queue, path: ":memory:", isFile: false)
        try database.migrate()
        return database
    }

    /// Closes every connection. Later calls fail with a `StoreError`; closing twice is harmless.
    /// Without it the connections close when the last reference goes away.
    ///
    /// Copies the write-ahead log into the main file first, so that a closed database is one
    /// self-contained file (GRDB closes its read-only connections last, and those cannot do it).
    /// If that copy fails the data stays safe in the log and the next open replays it.
    public func close() throws {
        if isFile {
            _ = try? writer.writeWithoutTransaction { db in try db.checkpoint(.truncate) }
        }
        try access("close the database") { try writer.close() }
    }

    private static func configuration() -> Configuration {
        var configuration = Configuration()
        configuration.label = "cairn.store"
        configuration.foreignKeysEnabled = true
        configuration.busyMode = .timeout(busyTimeoutSeconds)
        configuration.prepareDatabase { db in
            try db.execute(sql: "PRAGMA synchronous = FULL")
            // Freed pages are zeroed: a withdrawn record's bytes must not stay in the file.
            try db.execute(sql: "PRAGMA secure_delete = ON")
        }
        return configuration
    }

    /// Runs the schema migrations, refusing a database that already ran migrations we do not know.
    private func migrate() throws {
        let migrator = StoreSchema.migrator
        let superseded = try read("read the schema version") { db in try migrator.hasBeenSuperseded(db) }
        guard !superseded else {
            throw StoreError.newerSchema(path: path)
        }
        try access("migrate the schema") { try migrator.migrate(writer) }
    }
}

/// A checkpoint after a redaction that has not succeeded yet, and how many failed.
final class CheckpointDebt: Sendable {
    let owed = Atomic<Bool>(false)
    let failures = Atomic<Int>(0)
}
