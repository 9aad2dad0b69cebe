import Synchronization

/// A broadcast "something changed" that tasks wait for as suspended continuations, holding no
/// thread: the wake-up of `cairn sync --wait` (a link read a frame, the ledger committed deltas,
/// a connection closed) and of tests that wait for a background pass.
///
/// Each `signal()` moves a generation counter on and resumes every waiter. A waiter names the
/// generation it last looked at, so a change that happens between its look and its wait is not
/// lost: the wait then returns at once.
final class AsyncSignal: Sendable {
    private struct State {
        var generation: UInt64 = 0
        var nextWaiter: UInt64 = 0
        var waiters: [UInt64: CheckedContinuation<Void, Never>] = [:]
    }

    private let state = Mutex(State())

    init() {}

    /// The generation now: pass it to `wait(after:)` after looking at what it guards.
    var generation: UInt64 { state.withLock { $0.generation } }

    /// Moves the generation on and wakes every waiter. Never blocks (callable from an event loop
    /// or the ledger's queue).
    func signal() {
        let waiters = state.withLock { state -> [CheckedContinuation<Void, Never>] in
            state.generation &+= 1
            defer { state.waiters = [:] }
            return Array(state.waiters.values)
        }
        for waiter in waiters { waiter.resume() }
    }

    /// Returns once the generation has moved past `seen`, or at once if it has already; also
    /// returns (without a change) when the calling task is cancelled.
    func wait(after seen: UInt64) async {
        let id = state.withLock { state -> UInt64 in
            state.nextWaiter &+= 1
            return state.nextWaiter
        }
        await withTaskCancellationHandler {
            await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
                // Under the lock that `onCancel` takes too: a cancellation either comes first (and
                // is seen here) or finds the waiter registered.
                let now = state.withLock { state -> Bool in
                    if state.generation != seen || Task.isCancelled { return true }
                    state.waiters[id] = continuation
                    return false
                }
                if now { continuation.resume() }
            }
        } onCancel: {
            state.withLock { $0.waiters.removeValue(forKey: id) }?.resume()
        }
    }

    /// `wait(after:)`, but returns at `deadline` at the latest; returns whether the generation
    /// moved (false: the deadline passed or the task was cancelled first).
    func wait(after seen: UInt64, until deadline: ContinuousClock.Instant) async -> Bool {
        _ = await withDeadline(deadline) { await self.wait(after: seen) }
        return generation != seen
    }
}
