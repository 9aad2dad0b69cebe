import CairnControl
import CairnCrypto
import CairnModel
import CairnStore
import Foundation
import Logging

/// What every service of a site works with: who the site is, its store, its one writer and
/// the resources several services share. It holds no behaviour of its own beyond opening what
/// is stored; the services (Records/, Ingest/, Keys/, Trust/, Withdrawal/, Bundles/, Status/,
/// Audit/) do the work, and `Site` composes them.
///
/// Ownership: the ledger owns the committed state (one writer); the store is written only by
/// the ledger's commit; the drains, feeds, anchor and witnesses are each owned by the service
/// named beside them and kept here only because ledger participants publish to them.
final class SiteKernel: Sendable {
    let identity: SiteIdentity
    let store: any SiteStore
    let logger: Logger
    let testMode: Bool
    let startedAt: Date
    /// Record ids and levels → store keys, so that record ids never appear on disk.
    let recordKeys: RecordKeys
    /// Seals the deleted-record tally (derived from the index key). Status.
    let tallyKey: XChaCha20Poly1305.Key
    /// The one writer of the site's committed state.
    let ledger: Ledger
    /// Counters and gauges exposed on `GET /metrics`.
    let metrics: SiteMetrics
    /// The feeds published after each durable group (watchers, gossip, withdrawals).
    let feeds: SiteFeeds
    /// The check of the stored deltas and audit chain that runs after each start. Status.
    let storeCheck = StoreCheck()
    /// Held while deleted records are counted (one count at a time). Status.
    let deletedCountLock = NSLock()
    /// Applies large backlogs unlocked by a key, a bounded group at a time. Ingest.
    let backlog = BacklogDrain()
    /// Finishes retroactive revocations too large for one group. Withdrawal.
    let withdrawalDrain = WithdrawalDrain()
    /// The audit log's signed head, kept in the anchor file beside the store. Audit.
    let auditAnchor: AuditAnchor
    /// The newest signed audit head of each peer. Audit.
    let auditWitnesses: AuditWitnesses
    /// The devices connected to this site now (kept by sync). Keys.
    let connected = ConnectedDevices()

    init(
        identity: SiteIdentity, store: any SiteStore, indexKey: SecureBytes, state: LedgerState,
        testMode: Bool, logger: Logger, auditAnchor: AuditAnchor, auditWitnesses: AuditWitnesses
    ) {
        self.identity = identity
        self.store = store
        self.logger = logger
        self.testMode = testMode
        self.startedAt = Date()
        self.recordKeys = RecordKeys(indexKey: indexKey)
        self.tallyKey = DeletedTally.key(indexKey: indexKey)
        self.auditAnchor = auditAnchor
        self.auditWitnesses = auditWitnesses
        self.feeds = SiteFeeds()
        var state = state
        if state.deletedCounts == nil {
            // A statistic: unreadable, it is counted again from the records (nil).
            state.deletedCounts = DeletedTally.open((try? store.meta(MetaKey.deletedTally)) ?? nil, key: tallyKey)
        }
        let metrics = SiteMetrics()
        metrics.start(
            levels: identity.readableLevels, version: CairnVersion.string, certificateExpiry: identity.certificate.notAfter)
        self.metrics = metrics
        self.ledger = Ledger(state: state, commit: AuditedCommit(store: store, logger: logger), metrics: metrics, logger: logger)
    }
}

/// The feeds a site publishes after each durable group, in this order: withdrawals, stored
/// deltas (gossip), record changes (watchers).
struct SiteFeeds: Sendable {
    /// Watchers of committed changes (`GET /v1/watch`).
    let changes = ChangeFeed()
    /// Listeners for stored deltas (gossip).
    let deltas = DeltaFeed()
    /// Signalled after a group withdrew a device (revocation or charter amendment): the sync
    /// service closes its links.
    let withdrawals = Feed<Void>()
}
