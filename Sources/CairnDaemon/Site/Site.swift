import CairnCrypto
import CairnModel
import CairnStore
import Foundation
import Logging

/// One running Cairn site, composed: the kernel (identity, store, the ledger that is the one
/// writer of committed state) and the services over it, each with its own narrow interface
/// (Docs/Architecture.md, "The daemon's core"). Blocking (SQLite): callers run the services
/// off the event loops.
///
/// `Site` itself does nothing but wire them together, join the ledger's participants and own
/// what runs in the background (the drains and the store check, through the kernel).
final class Site: Sendable {
    let kernel: SiteKernel
    /// Writing, reading and listing this site's own view of records.
    let records: RecordsService
    /// Placing, checking and applying deltas received from peers and bundles.
    let ingest: IngestService
    /// Epoch keys: grants to cleared devices, rotation.
    let keys: KeysService
    /// The charter, revocations and the devices known.
    let trust: TrustService
    /// Reclassification, retraction, redaction and retroactive withdrawal.
    let withdrawal: WithdrawalService
    /// Bundles and vector files for air-gapped sites.
    let bundles: BundleService
    /// Status, state digest and metrics.
    let status: StatusService
    /// The signed audit chain, its anchor and the peers' witnessed heads.
    let audit: AuditService

    init(
        identity: SiteIdentity, database: CairnDatabase, indexKey: SecureBytes, state: LedgerState,
        testMode: Bool, logger: Logger, auditAnchor: AuditAnchor, auditWitnesses: AuditWitnesses
    ) {
        let kernel = SiteKernel(
            identity: identity, store: database, indexKey: indexKey, state: state, testMode: testMode, logger: logger,
            auditAnchor: auditAnchor, auditWitnesses: auditWitnesses)
        self.kernel = kernel
        self.database = database
        self.records = RecordsService(kernel: kernel)
        self.ingest = IngestService(kernel: kernel)
        self.keys = KeysService(kernel: kernel)
        self.trust = TrustService(kernel: kernel)
        self.withdrawal = WithdrawalService(kernel: kernel)
        self.bundles = BundleService(kernel: kernel)
        self.status = StatusService(kernel: kernel)
        self.audit = AuditService(kernel: kernel)
        kernel.ledger.join(RecordReadAhead(store: kernel.store, logger: logger))
        kernel.ledger.join(DeletedTallyKeeper(key: kernel.tallyKey))
        kernel.ledger.join(AuditAnchorKeeper(anchor: auditAnchor, metrics: kernel.metrics, logger: logger))
        kernel.ledger.join(SiteCommitted(site: WeakSite(value: self), device: identity.deviceID, metrics: kernel.metrics))
    }

    var identity: SiteIdentity { kernel.identity }
    var logger: Logger { kernel.logger }
    var ledger: Ledger { kernel.ledger }
    var metrics: SiteMetrics { kernel.metrics }
    var feeds: SiteFeeds { kernel.feeds }
    /// The store engine this site was opened with (SQLite); services see it only as `SiteStore`.
    let database: CairnDatabase
    var storeCheck: StoreCheck { kernel.storeCheck }
    var backlog: BacklogDrain { kernel.backlog }
    var withdrawalDrain: WithdrawalDrain { kernel.withdrawalDrain }
}
