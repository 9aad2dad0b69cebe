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
/// Every write is a job of the site's `Ledger`, the one writer of its committed state: jobs are
/// built one after another into commit groups, so each of this device's streams gets contiguous
/// sequence numbers, and a write returns only after the transaction holding it is durable.
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
    /// Finishes retroactive revocations too large for one group, a bounded group at a time.
    let withdrawalDrain = WithdrawalDrain()
    /// Record ids and levels → store keys, so that record ids never appear on disk.
    let recordKeys: RecordKeys
    /// Seals the deleted-record tally (derived from the index key).
    private let tallyKey: XChaCha20Poly1305.Key
    /// The one writer of the site's committed state.
    let ledger: Ledger
    /// Counters and gauges exposed on `GET /metrics`.
    let metrics: SiteMetrics
    /// Watchers of committed changes (`GET /v1/watch`).
    let changes = ChangeFeed()
    /// Listeners for stored deltas (gossip).
    let deltaFeed = DeltaFeed()
    /// Signalled after a group withdrew a device (revocation or charter amendment): the sync
    /// service closes its links.
    let withdrawalFeed = Feed<Void>()
    /// The audit log's signed head, kept in the anchor file beside the store.
    let auditAnchor: AuditAnchor
    /// The newest signed audit head of each peer.
    let auditWitnesses: AuditWitnesses

    init(
        identity: SiteIdentity, database: CairnDatabase, indexKey: SecureBytes, state: LedgerState,
        testMode: Bool, logger: Logger, auditAnchor: AuditAnchor, auditWitnesses: AuditWitnesses
    ) {
        self.auditAnchor = auditAnchor
        self.auditWitnesses = auditWitnesses
        self.identity = identity
        self.database = database
        self.recordKeys = RecordKeys(indexKey: indexKey)
        self.tallyKey = DeletedTally.key(indexKey: indexKey)
        var state = state
        if state.deletedCounts == nil {
            // A statistic: unreadable, it is counted again from the records (nil).
            state.deletedCounts = DeletedTally.open((try? database.meta(MetaKey.deletedTally)) ?? nil, key: tallyKey)
        }
        let metrics = SiteMetrics()
        self.metrics = metrics
        self.ledger = Ledger(state: state, commit: AuditedCommit(database: database, logger: logger), metrics: metrics, logger: logger)
        self.testMode = testMode
        self.logger = logger
        self.startedAt = Date()
        ledger.join(RecordReadAhead(database: database, logger: logger))
        ledger.join(DeletedTallyKeeper(key: tallyKey))
        ledger.join(AuditAnchorKeeper(anchor: auditAnchor, metrics: metrics, logger: logger))
        ledger.join(SiteCommitted(site: WeakSite(value: self), device: identity.deviceID, metrics: metrics))
    }

    /// The store key of the record with this id at `level` (see `RecordKeys`).
    func rowKey(_ id: RecordID, level: String) -> [UInt8] {
        recordKeys.key(id, level: level)
    }

    /// How log lines name a record (`record.ref`): 8 bytes of a keyed hash of its id, so that
    /// the lines about one record can be followed on this site while the id stays out of the
    /// journal. Its key is derived from the index key, so a ref cannot be matched against the
    /// database's row keys. `id` is taken as given (it may be a refused, invalid one).
    func logRef(_ id: String) -> String {
        recordKeys.logRef(id)
    }

    /// Appends events found outside a commit group (by the store check) to the audit log.
    func recordEvents(_ events: [StartupEvent]) throws {
        try ledger.submitAndWait { context in
            for event in events { context.audit(event.kind, actor: "daemon", detail: event.detail) }
        }
    }

    func keyring() -> EpochKeyring {
        ledger.read { $0.keyring }
    }

    /// Loads and opens the materialized state of the record with this id at `level`.
    func loadState(_ id: RecordID, level: String, keyring: EpochKeyring) throws -> RecordState? {
        guard let row = try database.record(key: rowKey(id, level: level)) else { return nil }
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
            logger.error("record.unreadable", metadata: .error(error, ["record.level": "\(row.level)"]))
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
