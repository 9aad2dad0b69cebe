import CairnModel
import CairnCrypto
import CairnProtocol
import CairnStore
import CairnTrust
import Dispatch
import Foundation
import Synchronization

/// Group commit for local writes.
///
/// Every acknowledged write must be durable, and durability costs an fsync per transaction. So
/// writers that arrive while one transaction is being made durable queue up, and the next
/// *leader* (one of the waiting writers' own threads) builds all their changes one after
/// another, in arrival order, and commits them in a single transaction: one fsync for the whole
/// group. Each writer returns only after the transaction holding its change has committed, so
/// the guarantee is unchanged; a failed commit fails every write of the group, and a write that
/// is refused while being built fails alone.
final class GroupCommit: Sendable {
    /// What a write produces once built: the record's new state and whether it was created
    /// (no state for an audit-only entry).
    typealias Outcome = (state: RecordState?, created: Bool)
    /// Builds one write into the group's context (and nothing else: no I/O but reads).
    typealias Work = @Sendable (inout WriteContext) throws -> Outcome

    /// One queued write. Its result is set by the leader before it is signalled.
    final class Job: @unchecked Sendable {
        let work: Work
        var result: Result<Outcome, any Error>?
        let signal = DispatchSemaphore(value: 0)

        init(_ work: @escaping Work) { self.work = work }
    }

    /// Most writes built into one transaction.
    static let maxGroup = 512

    private let queue = Mutex<(jobs: [Job], leading: Bool)>(([], false))

    /// Queues `work` and returns once it is durable (or refused). `run` is how a leader builds
    /// and commits a group.
    func submit(_ work: @escaping Work, run: ([Job]) -> Void) throws -> Outcome {
        let job = Job(work)
        let leads = queue.withLock { queue -> Bool in
            queue.jobs.append(job)
            if queue.leading { return false }
            queue.leading = true
            return true
        }
        if !leads { job.signal.wait() }
        if job.result == nil {
            // This thread leads: take the queue (its own job included), commit it, then hand
            // the lead to the first writer that queued meanwhile, or give it up.
            let group = queue.withLock { queue -> [Job] in
                let taken = Array(queue.jobs.prefix(Self.maxGroup))
                queue.jobs.removeFirst(taken.count)
                return taken
            }
            run(group)
            for other in group where other !== job { other.signal.signal() }
            let next = queue.withLock { queue -> Job? in
                if let first = queue.jobs.first { return first }
                queue.leading = false
                return nil
            }
            next?.signal.signal()
        }
        return try job.result!.get()
    }
}

/// What the leader of a group builds on: the device's clock and stream heads as they will be
/// once the group commits, the keys, the records written earlier in the group, and the batch.
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
    var changes: [(state: RecordState, created: Bool, deltaID: [UInt8])] = []

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
