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
final class WithdrawalDrain: ScheduledDrain {
    /// When passes run and how many deltas each commit group takes.
    let schedule = DrainSchedule()

    /// Runs a pass per wake-up until the task is cancelled (graceful shutdown: the group being
    /// withdrawn is committed first). Call once: the wake-ups are one stream.
    func run(_ site: Site) async {
        await schedule.run { await drain(site) }
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
