import Synchronization

/// When a drain runs and how much it takes per commit group: the part `BacklogDrain` and
/// `WithdrawalDrain` share.
///
/// Wake-ups go through an `AsyncStream` that keeps at most one waiting, so any number of wakes
/// during a pass make exactly one more pass; one wake-up is queued at creation, for the pass after
/// start that finishes work a stop or crash interrupted.
final class DrainSchedule: Sendable {
    private let wakes: AsyncStream<Void>
    private let wakeup: AsyncStream<Void>.Continuation
    private let limitValue: Atomic<Int>
    /// Signalled after each pass (tests wait for it).
    let passes = AsyncSignal()

    init(limit: Int = 5_000) {
        limitValue = Atomic(max(1, limit))
        (wakes, wakeup) = AsyncStream.makeStream(of: Void.self, bufferingPolicy: .bufferingNewest(1))
        wakeup.yield()
    }

    /// Items per commit group (at least 1).
    var limit: Int {
        get { limitValue.load(ordering: .relaxed) }
        set { limitValue.store(max(1, newValue), ordering: .relaxed) }
    }

    /// Asks for a pass (the running one, if any, is followed by one more). Never blocks: called on
    /// the ledger's queue.
    func wake() {
        wakeup.yield()
    }

    /// Runs `pass` once per wake-up until the task is cancelled. Call once: the wake-ups are one
    /// stream.
    func run(_ pass: () async -> Void) async {
        for await _ in wakes {
            await pass()
            passes.signal()
        }
    }
}

/// A drain run by a `DrainSchedule`: its pass signal, group limit and wake-up are the schedule's.
protocol ScheduledDrain: Sendable {
    var schedule: DrainSchedule { get }
}

extension ScheduledDrain {
    /// Signalled after each pass (tests wait for it).
    var passes: AsyncSignal { schedule.passes }

    /// Deltas per commit group.
    var limit: Int {
        get { schedule.limit }
        nonmutating set { schedule.limit = newValue }
    }

    /// Asks for a pass. Never blocks: called on the ledger's queue.
    func wake() { schedule.wake() }
}
