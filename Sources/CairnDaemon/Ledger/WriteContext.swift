import CairnModel
import CairnCrypto
import CairnProtocol
import CairnStore
import CairnTrust
import Foundation

/// What a group of the ledger builds on: the committed state as it will be once the group
/// commits (clock, heads, keys, devices, charter, audit head, waiting deltas), the records
/// written earlier in the group, and the batch. Each job gets it `inout`; a job that throws
/// leaves it as it was (the ledger builds each job on a copy).
struct WriteContext {
    var clock: HybridLogicalClock
    var heads: [String: StreamHead]
    var keyring: EpochKeyring
    /// Every stream's head as it will be once the group commits.
    var streams: [StreamID: StreamHead] = [:]
    /// Known device certificates, with those learned in this group.
    var devices = KnownDevices()
    /// Grants seen, with those of this group.
    var grantsSeen: Set<GrantSeen> = []
    /// Withdrawn devices, with those of this group.
    var withdrawals = Withdrawals()
    /// The newest charter, with an amendment accepted in this group.
    var charter: Charter?
    /// A device was withdrawn in this group: peers must hear of it before any delta of the
    /// group (the new epoch's grants) is pushed to them.
    var withdrew = false
    /// Keys received in this group whose stored backlog was too large for one group: the rest
    /// is applied by `BacklogDrain` after the commit.
    var backlogLeft: Set<EpochSlot> = []
    /// A retroactive withdrawal left deltas for later groups: `WithdrawalDrain` continues
    /// after the commit.
    var withdrawalLeft = false
    /// Deltas of this group still waiting for a key, by epoch (level, number, key id).
    var unappliedInGroup: [EpochSlot: [SealedDelta]] = [:]
    /// Records written earlier in this group, by row key: a later write in the same group must
    /// build on them, not on the store.
    var pending: [[UInt8]: RecordState] = [:]
    /// Where each record's row sits in `batch.records`, by row key.
    var recordRows: [[UInt8]: Int] = [:]
    var batch = WriteBatch()
    /// Stored rows and opened changes read ahead for the deltas being applied.
    var prefetched = Prefetched()
    /// What each record row touched by this group was in the store before it (level and
    /// whether deleted; nil: no row), noted on first touch: the deleted counts move by the
    /// difference between these and the rows the group leaves.
    var recordBase: [[UInt8]: RecordMark?] = [:]
    /// The audit log's head as it will be once the group commits.
    var auditHead: (seq: Int64, hash: [UInt8])?
    /// The audit log's chain breaks and acknowledgements, with those of this group.
    var auditBreaks = AuditBreakLedger()
    /// Every record write of the group that made a delta, in order, for the change stream.
    var changes: [RecordChange] = []
    /// Received deltas waiting for a missing predecessor, as they will be once the group commits.
    var waiting: PendingDeltas
    /// The deleted records per level as they will be once the group commits (nil: not known,
    /// to be counted), and whether the group must write them (`DeletedTallyKeeper`).
    var deletedCounts: [String: Int]?
    var deletedCountsUnsaved: Bool
    /// The group moved or invalidated the deleted counts: they are published with it (a group
    /// that did not touch them leaves a count taken meanwhile in place).
    var deletedCountsMoved = false

    /// A group's context over the committed `state`.
    init(_ state: LedgerState) {
        clock = state.clock
        heads = state.heads
        keyring = state.keyring
        streams = state.streams
        devices = state.devices
        grantsSeen = state.grantsSeen
        withdrawals = state.withdrawals
        charter = state.charter
        auditHead = state.auditHead
        auditBreaks = state.auditBreaks
        waiting = state.waiting
        deletedCounts = state.deletedCounts
        deletedCountsUnsaved = state.deletedCountsUnsaved
    }

    /// What the group leaves committed, once its batch is durable.
    func publish(into state: inout LedgerState) {
        state.heads = heads
        state.auditHead = auditHead
        state.auditBreaks = auditBreaks
        state.streams = streams
        state.keyring = keyring
        state.devices = devices
        state.grantsSeen = grantsSeen
        state.withdrawals = withdrawals
        state.charter = charter
        state.waiting = waiting
        if deletedCountsMoved {
            state.deletedCounts = deletedCounts
            state.deletedCountsUnsaved = deletedCountsUnsaved
        }
        if !batch.records.isEmpty || !batch.redaction.removedRecords.isEmpty { state.recordGeneration &+= 1 }
    }

    /// Appends a delta to the batch and moves its stream's head (and this device's own head).
    mutating func append(_ delta: SealedDelta, receivedAt: Int64, own: Bool) {
        batch.deltas.append(NewDelta(delta, receivedAt: receivedAt))
        let head = StreamHead(sequence: delta.header.sequence, deltaID: delta.id)
        streams[StreamID(author: delta.header.author, level: delta.header.level)] = head
        if own { heads[delta.header.level] = head }
    }

    /// Appends an audit entry to the group's batch, continuing the chain.
    mutating func audit(_ kind: String, actor: String, detail: [String: String]) {
        let row = AuditChain.next(
            after: auditHead, at: Int64(Date().timeIntervalSince1970 * 1000), kind: kind, actor: actor,
            detail: AuditChain.detail(detail))
        batch.audit.append(row)
        auditHead = (row.seq, row.hash)
    }
}

/// Names one epoch key: level, number and key id.
struct EpochSlot: Hashable, Sendable {
    let level: String
    let epoch: EpochRef
}

/// One record write of a committed group, for the change stream (`cairn watch`).
struct RecordChange: Sendable {
    /// The record as the write left it.
    var state: RecordState
    /// Whether the write created it.
    var created: Bool
    /// The delta that carried the write.
    var deltaID: [UInt8]
}
