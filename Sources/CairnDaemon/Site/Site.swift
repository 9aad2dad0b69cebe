import CairnControl
import CairnCrypto
import CairnModel
import CairnProtocol
import CairnStore
import Foundation
import Logging
import Synchronization

/// One running Cairn site: the write and read paths over the store, with everything sealed and
/// signed. Blocking (SQLite) — callers run it off the event loops.
///
/// Writes are built one at a time by the leader of a commit group (`GroupCommit`), so each of
/// this device's streams gets contiguous sequence numbers; a write returns only after the
/// transaction holding it is durable. `state`'s mutex guards the clock, heads and keys.
final class Site: Sendable {
    let identity: SiteIdentity
    let database: CairnDatabase
    let logger: Logger
    let testMode: Bool
    let startedAt: Date
    /// The check of the stored deltas and audit chain that runs after each start.
    let storeCheck = StoreCheck()
    /// Held while deleted records are counted (one count at a time).
    let deletedCountLock = NSLock()
    /// Applies large backlogs unlocked by a key, a bounded group at a time.
    let backlog = BacklogDrain()
    /// Keyed-hash key for record lookup keys, so that record ids never appear on disk.
    private let indexKey: SecureBytes
    /// Seals the deleted-record tally (derived from the index key).
    private let tallyKey: XChaCha20Poly1305.Key
    let state: Mutex<SiteState>
    /// Queues local writes so that concurrent ones share one durable transaction.
    let writes = GroupCommit()
    /// Counters and gauges exposed on `GET /metrics`.
    let metrics = SiteMetrics()
    /// Watchers of committed changes (`GET /v1/watch`).
    let changes = ChangeFeed()
    /// Listeners for stored deltas (gossip).
    let deltaFeed = DeltaFeed()
    /// Signalled after a group withdrew a device (revocation or charter amendment): the sync
    /// service closes its links.
    let withdrawalFeed = Feed<Void>()
    /// Received deltas waiting for a missing predecessor, bounded.
    let waiting: Mutex<PendingDeltas>
    /// The audit log's signed head, kept in the anchor file beside the store.
    let auditAnchor: AuditAnchor
    /// The newest signed audit head of each peer.
    let auditWitnesses: AuditWitnesses

    init(
        identity: SiteIdentity, database: CairnDatabase, indexKey: SecureBytes, state: SiteState,
        testMode: Bool, logger: Logger, auditAnchor: AuditAnchor, auditWitnesses: AuditWitnesses
    ) {
        self.auditAnchor = auditAnchor
        self.auditWitnesses = auditWitnesses
        self.identity = identity
        self.database = database
        self.indexKey = indexKey
        self.tallyKey = DeletedTally.key(indexKey: indexKey)
        var state = state
        if state.deletedCounts == nil {
            state.deletedCounts = DeletedTally.open((try? database.meta(MetaKey.deletedTally)) ?? nil, key: tallyKey)
        }
        self.state = Mutex(state)
        self.testMode = testMode
        self.logger = logger
        self.startedAt = Date()
        self.waiting = Mutex(PendingDeltas(limits: .default))
    }

    /// The store key of a record: BLAKE2b keyed with the site's index key.
    func rowKey(_ id: RecordID) -> [UInt8] {
        indexKey.withUnsafeBytes { key in
            BLAKE2b.hash(Array("cairn/v1/record-key\0".utf8) + Array(id.rawValue.utf8), key: Array(key))
        }
    }

    /// Appends events found outside a commit group (by the store check) to the audit log.
    func recordEvents(_ events: [StartupEvent]) throws {
        _ = try writes.submit({ context in
            for event in events { context.audit(event.kind, actor: "daemon", detail: event.detail) }
            return (nil, false)
        }, run: runGroup)
    }

    func sealTally(_ counts: [String: Int]) -> [UInt8] {
        DeletedTally.seal(counts, key: tallyKey)
    }

    func keyring() -> EpochKeyring {
        state.withLock { $0.keyring }
    }

    /// Loads and opens a record's materialized state.
    func loadState(_ id: RecordID, keyring: EpochKeyring) throws -> RecordState? {
        let key = rowKey(id)
        guard let row = try database.record(key: key) else { return nil }
        return try open(row, keyring: keyring)
    }

    func open(_ row: RecordRow, keyring: EpochKeyring) throws -> RecordState {
        let epoch = try EpochRef(number: row.epochNumber, keyID: row.epochKeyID)
        guard let key = keyring.key(level: row.level, epoch: epoch) else {
            throw DaemonError.request(.internal, "no key for epoch \(epoch) of \(row.level) is held; the record cannot be read")
        }
        do {
            return try RecordStateCodec.open(row.sealed, rowKey: row.key, level: row.level, epoch: epoch, key: key)
        } catch {
            logger.error("record.unreadable", metadata: ["error": "\(error)", "record.level": "\(row.level)"])
            throw DaemonError.request(.internal, "a stored record could not be opened (\(error)); the store may be damaged")
        }
    }

    /// Ensures `level` is known to the charter and within this device's clearance.
    func checkLevel(_ level: String) throws {
        guard identity.levels.contains(level) else {
            throw DaemonError.request(
                .unknownLevel,
                "unknown classification \"\(level)\"; this federation's levels are \(identity.levels.names.joined(separator: ", "))")
        }
        guard identity.levels.isAtOrBelow(level, identity.clearance) else {
            throw DaemonError.request(.aboveClearance, "this device is cleared up to \(identity.clearance) and cannot hold \(level)")
        }
    }
}
