import Synchronization

/// What `cairn sync --wait` looks at on one link, read at once (no I/O).
struct SyncWaitProgress: Sendable, Equatable {
    /// The connection is open.
    var active: Bool
    /// Nothing is queued for the peer or waiting for its acknowledgement.
    var drained: Bool
    /// Deltas the peer showed it holds at the common levels that this site still lacks.
    var missing: UInt64
    /// Deltas received from the peer so far (stored or duplicate): progress of a catch-up.
    var received: UInt64
}

/// What `cairn sync --wait` needs of a link: a round with a callback, its progress, and a feed
/// that hears of every change to that progress the link makes (a frame read, the connection
/// closed). Changes made by the ledger (deltas stored) come from the site's delta feed.
protocol SyncWaitable: Sendable {
    /// Starts a round; `done` learns whether it completed (false: it could not start, or the
    /// connection closed first). Returns whether it started.
    @discardableResult
    func startRound(done: (@Sendable (Bool) -> Void)?) -> Bool
    func waitProgress() -> SyncWaitProgress
    /// The link's activity feed, or nil when there is none (the connection is gone).
    func activity() async -> LinkActivity?
}

/// The outcome of one round, for a waiter that may come after it ended.
final class RoundOutcome: Sendable {
    private let result = Mutex<Bool?>(nil)
    private let ended = AsyncSignal()

    init() {}

    /// The first outcome counts (a round ends once).
    func finish(_ completed: Bool) {
        result.withLock { if $0 == nil { $0 = completed } }
        ended.signal()
    }

    /// Whether the round completed, so far: nil while it runs.
    var completed: Bool? { result.withLock { $0 } }

    /// Waits for the outcome; nil if the task is cancelled first.
    func value() async -> Bool? {
        await ended.wait(after: 0)
        return completed
    }
}

/// The wait of `cairn sync --wait`, event-driven: for each link, its round; then until what the
/// round queued was acknowledged; then until what the peer showed it holds has arrived, or
/// nothing has arrived for `stallSeconds`. Every step waits as a suspended task on an
/// `AsyncSignal` that the link's activity, the site's committed deltas and the service's stop
/// move on, so any number of waits hold no thread; the deadline is a task timeout.
struct SyncWait: Sendable {
    /// The site's feed of stored deltas (a catch-up moves with it).
    let committed: DeltaFeed
    /// Signalled when the sync service stops: every wait ends then.
    let stopped: AsyncSignal
    var stallSeconds: Double = 10

    /// Waits for every link's round (started already, with `rounds` learning their outcomes)
    /// and what follows it, until `deadline`.
    func wait(_ links: [any SyncWaitable], rounds: [RoundOutcome], deadline: ContinuousClock.Instant) async {
        let wake = AsyncSignal()
        let subscription = committed.subscribe { _ in wake.signal() }
        defer { committed.unsubscribe(subscription) }
        var feeds: [(LinkActivity, UInt64)] = []
        for link in links {
            if let feed = await link.activity() { feeds.append((feed, feed.subscribe { _ in wake.signal() })) }
        }
        defer { for (feed, id) in feeds { feed.unsubscribe(id) } }
        let stopped = self.stopped, stall = stallSeconds
        _ = await withDeadline(deadline) {
            await withTaskGroup(of: Void.self) { group in
                group.addTask { await stopped.wait(after: 0) }
                group.addTask {
                    await withTaskGroup(of: Void.self) { each in
                        for (link, round) in zip(links, rounds) {
                            each.addTask { await Self.follow(link, round: round, wake: wake, stallSeconds: stall) }
                        }
                    }
                }
                // The first to end: every link done, or the service stopped.
                _ = await group.next()
                group.cancelAll()
            }
        }
    }

    /// One link: its round, its outbox, its catch-up (each step ends early if the connection
    /// closes or the task is cancelled).
    static func follow(_ link: any SyncWaitable, round: RoundOutcome, wake: AsyncSignal, stallSeconds: Double) async {
        guard await round.value() == true else { return }
        while !Task.isCancelled {
            let seen = wake.generation
            let progress = link.waitProgress()
            if !progress.active || progress.drained { break }
            await wake.wait(after: seen)
        }
        var lastReceived: UInt64?
        var lastProgress = ContinuousClock.now
        while !Task.isCancelled {
            let seen = wake.generation
            let progress = link.waitProgress()
            if !progress.active || progress.missing == 0 { return }
            if progress.received != lastReceived {
                lastReceived = progress.received
                lastProgress = .now
            }
            let stalled = lastProgress + .milliseconds(Int64(stallSeconds * 1000))
            // What is left is refused, or waits for something the peer lacks too.
            if ContinuousClock.now >= stalled { return }
            _ = await wake.wait(after: seen, until: stalled)
        }
    }
}
