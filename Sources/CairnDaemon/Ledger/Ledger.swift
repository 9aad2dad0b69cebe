import Dispatch
import Logging
import Synchronization

/// The one writer of a site's committed state (Docs/Architecture.md, "The ledger").
///
/// Every change to what the site has committed (records, deltas, keys, devices, the charter,
/// the audit chain, the deltas waiting for a predecessor) is a *job* submitted here. Jobs that
/// arrive while a group is being made durable queue up and become the next group: built one
/// after another, in arrival order, into one `WriteContext`, committed in one transaction (one
/// fsync for the group), then published: the committed state becomes the context's, each job's
/// caller learns its result, and the participants hear of the group last. A job that throws while
/// being built is refused alone (it was built on a copy of the context); a commit that fails
/// fails every job of the group and leaves the committed state as it was (but for the clock,
/// which never goes back), waiting deltas included.
///
/// Groups run on a serial dispatch queue of the ledger's own, one at a time. A caller of `submit`
/// waits as a suspended task and holds no thread; `submitAndWait` is for callers that are
/// blocking already (start-up, tests, the store check) and must never be called from a job.
final class Ledger: Sendable {
    /// Most jobs built into one group.
    static let maxGroup = 512

    /// A queued job: builds itself into the group's context and returns how its caller learns
    /// the result once the group is durable; `fail` tells the caller it was refused or lost.
    struct Job: Sendable {
        let build: @Sendable (inout WriteContext) throws -> @Sendable () -> Void
        let fail: @Sendable (any Error) -> Void
        /// Record rows (row keys) the job will read: read ahead once for the whole group
        /// (`LedgerParticipant.readAhead`), not one read transaction per job.
        var reads: [[UInt8]] = []
    }

    private let committed: Mutex<LedgerState>
    private let queue = Mutex<(jobs: [Job], running: Bool)>(([], false))
    private let writer = DispatchQueue(label: "cairn.ledger", qos: .userInitiated)
    private let onWriter = DispatchSpecificKey<Bool>()
    private let participants = Mutex<[any LedgerParticipant]>([])
    private let commit: LedgerCommit
    private let metrics: SiteMetrics
    private let logger: Logger

    /// A ledger over the committed `state` (as start-up read it from the store), committing
    /// each group's batch with `commit`.
    init(state: LedgerState, commit: LedgerCommit, metrics: SiteMetrics, logger: Logger) {
        self.committed = Mutex(state)
        self.commit = commit
        self.metrics = metrics
        self.logger = logger
        writer.setSpecific(key: onWriter, value: true)
    }

    /// The committed state now (a copy: its collections are shared until someone changes them).
    var state: LedgerState { committed.withLock { $0 } }

    /// Reads part of the committed state under the ledger's lock (held for `body` only: no I/O).
    func read<T>(_ body: (LedgerState) throws -> T) rethrows -> T {
        try committed.withLock { try body($0) }
    }

    /// Changes what is not part of any group (the deleted tally counted outside one).
    func amend<T>(_ body: (inout LedgerState) throws -> T) rethrows -> T {
        try committed.withLock { try body(&$0) }
    }

    /// Adds a participant to every later group.
    func join(_ participant: any LedgerParticipant) {
        participants.withLock { $0.append(participant) }
    }

    /// Queues `work` for the next group and returns its result once the group is durable, or
    /// throws why the job was refused (its own error) or lost (the commit's). `reads` are the
    /// record rows it will read, read ahead with the group's.
    func submit<T: Sendable>(
        reads: [[UInt8]] = [], _ work: @escaping @Sendable (inout WriteContext) throws -> T
    ) async throws -> T {
        try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<T, any Error>) in
            submit(reads: reads, work) { continuation.resume(with: $0) }
        }
    }

    /// Queues `work` and calls `done` once with its result, when the group is durable or the job
    /// refused. `done` runs on the ledger's queue, before the group's participants: it must only
    /// hand the result on (to an event loop, a continuation), never block or do real work.
    /// This is how a caller that holds no thread waits (the control server's event loop).
    func submit<T: Sendable>(
        reads: [[UInt8]] = [], _ work: @escaping @Sendable (inout WriteContext) throws -> T,
        done: @escaping @Sendable (Result<T, any Error>) -> Void
    ) {
        enqueue(
            Job(
                build: { context in
                    let value = try work(&context)
                    return { done(.success(value)) }
                }, fail: { done(.failure($0)) }, reads: reads))
    }

    /// `submit` for a caller that is blocking already. Never from inside a job (the group it
    /// would wait for could not run).
    func submitAndWait<T: Sendable>(
        reads: [[UInt8]] = [], _ work: @escaping @Sendable (inout WriteContext) throws -> T
    ) throws -> T {
        precondition(DispatchQueue.getSpecific(key: onWriter) != true, "submitAndWait from inside a ledger job")
        let result = Mutex<Result<T, any Error>?>(nil)
        let done = DispatchSemaphore(value: 0)
        submit(reads: reads, work) { outcome in
            result.withLock { $0 = outcome }
            done.signal()
        }
        done.wait()
        return try result.withLock { $0! }.get()
    }

    /// Jobs queued and not yet taken into a group (for tests that arrange a group).
    var queued: Int { queue.withLock { $0.jobs.count } }

    private func enqueue(_ job: Job) {
        let start = queue.withLock { queue -> Bool in
            queue.jobs.append(job)
            if queue.running { return false }
            queue.running = true
            return true
        }
        if start { writer.async { self.drain() } }
    }

    /// Runs groups until the queue is empty.
    private func drain() {
        while true {
            let group = queue.withLock { queue -> [Job] in
                let taken = Array(queue.jobs.prefix(Self.maxGroup))
                queue.jobs.removeFirst(taken.count)
                if taken.isEmpty { queue.running = false }
                return taken
            }
            guard !group.isEmpty else { return }
            run(group)
        }
    }

    /// Builds, commits and publishes one group.
    private func run(_ jobs: [Job]) {
        let start = state
        var context = WriteContext(start)
        let participants = self.participants.withLock { $0 }
        let reads = jobs.flatMap(\.reads)
        if !reads.isEmpty {
            for participant in participants { participant.readAhead(reads, into: &context) }
        }
        var built: [(job: Job, deliver: @Sendable () -> Void)] = []
        for job in jobs {
            var attempt = context
            do {
                let deliver = try job.build(&attempt)
                context = attempt
                built.append((job, deliver))
            } catch {
                job.fail(error)
            }
        }
        for participant in participants { participant.prepare(&context, committed: start) }
        var failure: (any Error)?
        if !context.batch.isEmpty {
            context.batch.meta[MetaKey.clock] = ClockMark.encode(context.clock.last)
            do {
                try commit.commit(&context)
            } catch {
                failure = error
            }
        }
        committed.withLock { state in
            state.clock = context.clock  // never backwards, even if the commit failed
            if failure == nil { context.publish(into: &state) }
        }
        if let failure {
            metrics.count("cairn_commit_failures_total")
            for (job, _) in built { job.fail(failure) }
            return
        }
        for (_, deliver) in built { deliver() }
        if !context.batch.isEmpty { metrics.count("cairn_commit_groups_total") }
        for participant in participants { participant.committed(context) }
        logger.trace(
            "store.group_committed", metadata: ["group.size": "\(jobs.count)", "group.deltas": "\(context.batch.deltas.count)"])
    }

}

/// Takes part in every group of the ledger: `readAhead` reads, before the first job, the record
/// rows the group's jobs said they will read (`Job.reads`); `prepare` adds to the batch what the
/// group's jobs imply, after the last job and before the commit (the deleted tally, say);
/// `committed` hears of each durable group after its callers have their results (feeds, drains,
/// the audit anchor). All run on the ledger's queue: no blocking, no waiting for another group.
protocol LedgerParticipant: Sendable {
    func readAhead(_ keys: [[UInt8]], into context: inout WriteContext)
    func prepare(_ context: inout WriteContext, committed: LedgerState)
    func committed(_ context: WriteContext)
}

extension LedgerParticipant {
    func readAhead(_ keys: [[UInt8]], into context: inout WriteContext) {}
    func prepare(_ context: inout WriteContext, committed: LedgerState) {}
    func committed(_ context: WriteContext) {}
}

/// How the ledger makes a group's batch durable.
protocol LedgerCommit: Sendable {
    /// Commits `context.batch` in one transaction; may add to it first (the audit chain's break
    /// entries), and throws when nothing was stored.
    func commit(_ context: inout WriteContext) throws
}
