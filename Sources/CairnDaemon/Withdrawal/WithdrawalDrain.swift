import Synchronization

/// Finishes a retroactive revocation too large for the group that accepted it: withdraws the
/// rest, `limit` deltas per commit group, until nothing stored was written by a withdrawn device
/// from its withdrawal on.
///
/// Between groups, other writes and the links' acknowledgements get their turn. The work left is
/// read from the store each time (it is what the rule still finds), so the daemon also runs the
/// drain once after every start: a withdrawal interrupted by a stop or crash is finished then.
/// It is a task of the daemon's service group (`BackgroundWork`), woken by the ledger after a
/// group that left work (`wake()`, through an `AsyncStream` that keeps at most one wake-up
/// waiting); each group waits for the ledger as a suspended task, holding no thread.
final class WithdrawalDrain: Sendable {
    private let wakes: AsyncStream<Void>
    private let wakeup: AsyncStream<Void>.Continuation
    private let limitValue = Atomic<Int>(5_000)
    /// Signalled after each pass (tests wait for it).
    let passes = AsyncSignal()

    init() {
        (wakes, wakeup) = AsyncStream.makeStream(of: Void.self, bufferingPolicy: .bufferingNewest(1))
        // The pass after start.
        wakeup.yield()
    }

    /// Deltas withdrawn per commit group (also by the group that accepts the withdrawal).
    var limit: Int {
        get { limitValue.load(ordering: .relaxed) }
        set { limitValue.store(max(1, newValue), ordering: .relaxed) }
    }

    /// Asks for a pass (the running one, if any, is followed by one more). Never blocks: called on
    /// the ledger's queue.
    func wake() {
        wakeup.yield()
    }

    /// Runs a pass per wake-up until the task is cancelled (graceful shutdown: the group being
    /// withdrawn is committed first). Call once: the wake-ups are one stream.
    func run(_ site: Site) async {
        for await _ in wakes {
            await drain(site)
            passes.signal()
        }
    }

    /// Withdraws group after group until nothing is left or the task is cancelled.
    func drain(_ site: Site) async {
        while !Task.isCancelled {
            do {
                guard try await site.withdrawal.withdrawRetroactivelyGroup(budget: limit) else { return }
            } catch {
                // Left in the store: the next withdrawal or the next start tries again.
                site.logger.error("revocation.withdrawal_failed", metadata: .error(error))
                return
            }
        }
    }
}
