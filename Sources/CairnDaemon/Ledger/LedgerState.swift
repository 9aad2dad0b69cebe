import CairnModel
import CairnProtocol
import CairnStore
import CairnTrust

/// What a site has committed, as the ledger publishes it after each durable group: the clock,
/// the heads of every stream held, the keys, the devices and their withdrawals, the charter, the
/// audit chain's head, the deleted tally and the received deltas that wait for a predecessor.
///
/// Only the ledger changes it (`Ledger.run`), from the `WriteContext` of a group that
/// committed; everyone else reads a snapshot (`Ledger.state`), taken under a lock held for a copy
/// and never across I/O.
struct LedgerState: Sendable {
    var clock: HybridLogicalClock
    /// Head of this device's stream at each level.
    var heads: [String: StreamHead]
    var keyring: EpochKeyring
    /// Deleted records per level: kept in the store (sealed, see `DeletedTally`) and moved by
    /// every group that writes records; counted from the records when the store has no tally
    /// (the deletion flag lives inside sealed state, so it cannot be counted in SQL).
    var deletedCounts: [String: Int]?
    /// `deletedCounts` was counted but not yet written to the store (the next group writes it).
    var deletedCountsUnsaved = false
    /// Moves on with every committed group that wrote or dropped record rows: a deleted count
    /// taken (outside the mutex) while it moved is not kept.
    var recordGeneration: UInt64 = 0
    /// The audit log's last entry, which the next entry chains to.
    var auditHead: (seq: Int64, hash: [UInt8])?
    /// The audit log's chain breaks, and which are acknowledged.
    var auditBreaks = AuditBreakLedger()
    /// The head of every stream held (this device's and everyone else's): the version vector.
    var streams: [StreamID: StreamHead] = [:]
    /// The verified certificates of every device this site knows.
    var devices = KnownDevices()
    /// Which device is known to hold which epoch key (from every grant seen).
    var grantsSeen: Set<GrantSeen> = []
    /// Devices revoked or withdrawn by a charter amendment.
    var withdrawals = Withdrawals()
    /// The newest charter accepted (at start from the configuration, later by amendment).
    var charter: Charter?
    /// Received deltas waiting for a missing predecessor, bounded. Part of the committed state:
    /// a group that fails leaves them as they were (a copy of a few thousand stream entries,
    /// made only by a group that changes them).
    var waiting = PendingDeltas(limits: .default)
}
