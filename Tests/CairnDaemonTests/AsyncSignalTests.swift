import Synchronization
import Testing

@testable import CairnDaemon

/// `AsyncSignal` and `withDeadline`, the two pieces every wait of the daemon is made of: no
/// change is lost between a look and a wait, every waiter wakes, and cancellation or a deadline
/// ends a wait at once.
@Suite(.timeLimit(.minutes(1)))
struct AsyncSignalTests {
    @Test func aChangeBeforeTheWaitIsNotLost() async {
        let signal = AsyncSignal()
        let seen = signal.generation
        signal.signal()
        // Would hang (and hit the time limit) if the wait missed the signal above.
        await signal.wait(after: seen)
        #expect(signal.generation == seen + 1)
    }

    @Test func oneSignalWakesEveryWaiter() async {
        let signal = AsyncSignal()
        let woken = await withTaskGroup(of: Int.self) { group in
            for _ in 0..<500 {
                group.addTask {
                    await signal.wait(after: 0)
                    return 1
                }
            }
            // Let the waiters register (a waiter that registers after the signal returns at once
            // anyway: either way all 500 must end).
            try? await Task.sleep(for: .milliseconds(50))
            signal.signal()
            return await group.reduce(0, +)
        }
        #expect(woken == 500)
    }

    @Test func cancellationEndsAWait() async {
        let signal = AsyncSignal()
        let started = ContinuousClock.now
        let waiter = Task { await signal.wait(after: signal.generation) }
        try? await Task.sleep(for: .milliseconds(50))
        waiter.cancel()
        await waiter.value
        #expect(ContinuousClock.now - started < .seconds(5))
        // A task cancelled before it waits does not wait at all.
        let early = Task {
            withUnsafeCurrentTask { $0?.cancel() }
            await signal.wait(after: signal.generation)
        }
        await early.value
    }

    @Test func aTimedWaitSaysWhetherTheSignalCame() async {
        let signal = AsyncSignal()
        let started = ContinuousClock.now
        let moved = await signal.wait(after: signal.generation, until: .now + .milliseconds(100))
        #expect(!moved)
        #expect(ContinuousClock.now - started >= .milliseconds(100))
        let seen = signal.generation
        Task {
            try? await Task.sleep(for: .milliseconds(20))
            signal.signal()
        }
        #expect(await signal.wait(after: seen, until: .now + .seconds(30)))
        #expect(ContinuousClock.now - started < .seconds(20))
    }

    @Test func aDeadlineCancelsTheOperation() async {
        let cancelled = Atomic<Bool>(false)
        let started = ContinuousClock.now
        let result: Int? = await withDeadline(.now + .milliseconds(100)) {
            try? await Task.sleep(for: .seconds(60))
            cancelled.store(Task.isCancelled, ordering: .relaxed)
            return 1
        }
        let sawCancellation = cancelled.load(ordering: .relaxed)
        #expect(result == nil)
        #expect(sawCancellation)
        #expect(ContinuousClock.now - started < .seconds(10))
        #expect(await withDeadline(.now + .seconds(60)) { 7 } == 7)
    }
}
