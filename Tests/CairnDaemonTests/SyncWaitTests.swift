import CairnModel
import Synchronization
import Testing

@testable import CairnDaemon

/// `cairn sync --wait` without a thread per waiter: each step of the wait (the round, the
/// outbox, the catch-up) ends on the event that settles it, not on a poll; the deadline, a
/// closed link and the service's stop end it at once; and hundreds of waits hold no thread.
@Suite(.timeLimit(.minutes(1)))
struct SyncWaitTests {
    /// A link whose round, progress and activity the test drives.
    final class FakeLink: SyncWaitable {
        let progress: Mutex<SyncWaitProgress>
        let feed = LinkActivity()
        private let waiters = Mutex<[@Sendable (Bool) -> Void]>([])

        init(_ progress: SyncWaitProgress = SyncWaitProgress(active: true, drained: true, missing: 0, received: 0)) {
            self.progress = Mutex(progress)
        }

        func startRound(done: (@Sendable (Bool) -> Void)?) {
            if let done { waiters.withLock { $0.append(done) } }
        }

        func waitProgress() -> SyncWaitProgress { progress.withLock { $0 } }
        func activity() async -> LinkActivity? { feed }

        func finishRound(_ completed: Bool) {
            for waiter in waiters.withLock({ $0 }) { waiter(completed) }
        }

        /// Changes the progress as a frame would, and says so on the link's activity feed.
        func frame(_ change: (inout SyncWaitProgress) -> Void) {
            progress.withLock { change(&$0) }
            feed.publish(())
        }

        /// Starts a round for a waiter.
        func round() -> RoundOutcome {
            let outcome = RoundOutcome()
            startRound { outcome.finish($0) }
            return outcome
        }
    }

    /// The stall and deadline of the waits that only an event should end, and the bound their
    /// end is checked against: far below both, so a wait that ended on either fails, and far
    /// above the events' 50–450 ms, so a CI machine whose parallel tests hold the cooperative
    /// pool for seconds (seen: 5.1–6.3 s, with a 5 s bound) does not fail it.
    static let far = 45.0
    static let eventBound = Duration.seconds(20)

    static func waiter(stallSeconds: Double = 10) -> (SyncWait, DeltaFeed, AsyncSignal) {
        let feed = DeltaFeed(), stopped = AsyncSignal()
        return (SyncWait(committed: feed, stopped: stopped, stallSeconds: stallSeconds), feed, stopped)
    }

    /// Runs `body` after `delay` in a task of its own.
    static func after(_ delay: Duration, _ body: @escaping @Sendable () -> Void) {
        Task {
            try? await Task.sleep(for: delay)
            body()
        }
    }

    @Test func eachStepEndsOnTheEventThatSettlesIt() async {
        let (wait, deltas, _) = Self.waiter(stallSeconds: Self.far)
        let link = FakeLink(SyncWaitProgress(active: true, drained: false, missing: 4, received: 0))
        let round = link.round()
        let started = ContinuousClock.now
        Self.after(.milliseconds(50)) { link.finishRound(true) }
        // An acknowledgement empties the outbox (a frame read on the link)...
        Self.after(.milliseconds(100)) { link.frame { $0.drained = true } }
        // ...and the last missing deltas are stored (the ledger's delta feed, not the link).
        Self.after(.milliseconds(150)) {
            link.progress.withLock {
                $0.missing = 0
                $0.received = 4
            }
            deltas.publish([])
        }
        // Deadline and stall are far away: only the events can end this wait early.
        await wait.wait([link], rounds: [round], deadline: .now + .seconds(Self.far))
        let took = ContinuousClock.now - started
        #expect(took >= .milliseconds(150) && took < Self.eventBound, "took \(took)")
        #expect(round.completed == true)
    }

    @Test func aCatchUpThatStopsArrivingEndsAfterTheStall() async {
        let (wait, _, _) = Self.waiter(stallSeconds: 0.3)
        let link = FakeLink(SyncWaitProgress(active: true, drained: true, missing: 5, received: 0))
        let round = link.round()
        link.finishRound(true)
        let started = ContinuousClock.now
        // Progress at first: the stall is counted from the last delta received.
        Self.after(.milliseconds(200)) { link.frame { $0.received = 1 } }
        await wait.wait([link], rounds: [round], deadline: .now + .seconds(Self.far))
        let took = ContinuousClock.now - started
        #expect(took >= .milliseconds(450) && took < Self.eventBound, "took \(took)")
    }

    @Test func aClosedLinkEndsTheWaitAndTheRoundDidNotComplete() async {
        let (wait, _, _) = Self.waiter(stallSeconds: Self.far)
        let link = FakeLink()
        let round = link.round()
        let started = ContinuousClock.now
        Self.after(.milliseconds(50)) {
            link.frame { $0.active = false }
            link.finishRound(false)
        }
        await wait.wait([link], rounds: [round], deadline: .now + .seconds(Self.far))
        #expect(ContinuousClock.now - started < Self.eventBound)
        #expect(round.completed == false)
    }

    @Test func theServiceStoppingEndsEveryWait() async {
        let (wait, _, stopped) = Self.waiter(stallSeconds: Self.far)
        let links = (0..<10).map { _ in FakeLink() }
        let rounds = links.map { $0.round() }
        let started = ContinuousClock.now
        Self.after(.milliseconds(50)) { stopped.signal() }
        await wait.wait(links, rounds: rounds, deadline: .now + .seconds(Self.far))
        #expect(ContinuousClock.now - started < Self.eventBound)
        #expect(rounds.allSatisfy { $0.completed == nil })
    }

    /// 200 callers waiting at once for rounds that never finish all answer at their deadline,
    /// and meanwhile other work runs at once. A wait that parked a thread would serialize them
    /// on the few threads of the cooperative pool (two on this machine): 200 × 0.5 s / 2.
    @Test func twoHundredWaitsHoldNoThreadAndAllEndOnTime() async {
        let (wait, _, _) = Self.waiter()
        let link = FakeLink()
        let started = ContinuousClock.now
        let took = await withTaskGroup(of: Duration.self) { group in
            for _ in 0..<200 {
                group.addTask {
                    let round = link.round()
                    await wait.wait([link], rounds: [round], deadline: .now + .milliseconds(500))
                    return ContinuousClock.now - started
                }
            }
            group.addTask {
                // Other work while the 200 wait: it runs at once.
                try? await Task.sleep(for: .milliseconds(100))
                let asked = ContinuousClock.now
                let answered = await Task.detached { ContinuousClock.now }.value
                #expect(answered - asked < .seconds(2))
                return .zero
            }
            return await group.reduce(Duration.zero) { max($0, $1) }
        }
        // Parked waits would need about 50 s; the bound leaves room for a loaded machine.
        #expect(took >= .milliseconds(500) && took < .seconds(10), "the last wait ended after \(took)")
    }
}
