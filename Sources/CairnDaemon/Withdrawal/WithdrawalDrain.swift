import Dispatch
import Foundation
import Synchronization

/// Finishes a retroactive revocation too large for the group that accepted it: withdraws the
/// rest, `limit` deltas per commit group, on a background thread, until nothing stored was
/// written by a withdrawn device from its withdrawal on.
///
/// Between groups, other writes and the links' acknowledgements get their turn. The work left is
/// read from the store each time (it is what the rule still finds), so the daemon also runs the
/// drain once after every start: a withdrawal interrupted by a stop or crash is finished then.
final class WithdrawalDrain: Sendable {
    private struct Control {
        var running = false
        var again = false
        var cancelled = false
    }

    private let control = Mutex(Control())
    private let active = DispatchGroup()
    private let limitValue = Atomic<Int>(5_000)

    /// Deltas withdrawn per commit group (also by the group that accepts the withdrawal).
    var limit: Int {
        get { limitValue.load(ordering: .relaxed) }
        set { limitValue.store(max(1, newValue), ordering: .relaxed) }
    }

    var isCancelled: Bool { control.withLock { $0.cancelled } }

    /// Starts withdrawing on a background thread, or asks the running drain to look again.
    func schedule(_ site: Site) {
        let start = control.withLock { control -> Bool in
            guard !control.cancelled else { return false }
            if control.running {
                control.again = true
                return false
            }
            control.running = true
            return true
        }
        guard start else { return }
        active.enter()
        let thread = Thread { [self] in
            defer { active.leave() }
            repeat {
                control.withLock { $0.again = false }
                drain(site)
            } while control.withLock { control in
                if control.again, !control.cancelled { return true }
                control.running = false
                return false
            }
        }
        thread.name = "cairnd-withdrawal"
        thread.start()
    }

    /// Withdraws group after group on the calling thread until nothing is left.
    func drain(_ site: Site) {
        while !isCancelled {
            do {
                guard try site.withdrawal.withdrawRetroactivelyGroup(budget: limit) else { return }
            } catch {
                // Left in the store: the next withdrawal or the next start tries again.
                site.logger.error("revocation.withdrawal_failed", metadata: .error(error))
                return
            }
        }
    }

    /// Waits until no drain is running.
    func waitUntilIdle() {
        active.wait()
    }

    /// Stops the drain after its current group and waits for it (before the store is closed).
    func cancelAndWait() {
        control.withLock { $0.cancelled = true }
        active.wait()
    }
}
