import CairnModel
import CairnProtocol
import CairnStore
import Dispatch
import Foundation
import Logging
import Testing

@testable import CairnDaemon

/// The ledger on its own, over a real (in-memory) store: every job gets an answer however
/// callers interleave, a refused job fails alone, a failed commit leaves the committed state as
/// it was (the waiting deltas included), participants hear of a group only after its callers
/// have their results, and async callers hold no thread while they wait.
@Suite struct LedgerTests {
    static let logger = Logger(label: "ledger-test") { _ in SwiftLogNoOpLogHandler() }

    static func ledger(_ database: CairnDatabase) -> Ledger {
        let state = LedgerState(
            clock: HybridLogicalClock(clock: SystemWallClock(), last: .zero), heads: [:], keyring: EpochKeyring(), deletedCounts: [:])
        return Ledger(state: state, commit: AuditedCommit(store: database, logger: logger), metrics: SiteMetrics(), logger: logger)
    }

    /// An audit entry: the smallest job that writes something.
    static func note(_ context: inout WriteContext, _ n: Int) {
        context.audit("test.note", actor: "test", detail: ["n": "\(n)"])
    }

    /// Threads and tasks submit at once, with uneven timing: every job is answered, each once,
    /// and the audit chain holds every entry in one unbroken order.
    @Test func everyJobIsAnsweredUnderContention() async throws {
        let database = try CairnDatabase.inMemory()
        let ledger = Self.ledger(database)
        let threads = 8, perThread = 300, tasks = 400
        let done = DispatchGroup()
        let answered = Mutexed(0)
        for thread in 0..<threads {
            done.enter()
            Thread.detachNewThread {
                defer { done.leave() }
                for n in 0..<perThread {
                    if n % 37 == 0 { usleep(UInt32.random(in: 0...300)) }
                    if (try? ledger.submitAndWait { Self.note(&$0, thread * perThread + n) }) != nil { answered.update { $0 += 1 } }
                }
            }
        }
        try await withThrowingTaskGroup(of: Void.self) { group in
            for n in 0..<tasks {
                group.addTask { try await ledger.submit { Self.note(&$0, 100_000 + n) } }
            }
            try await group.waitForAll()
        }
        #expect(done.wait(timeout: .now() + 60) == .success, "a blocking caller was left waiting")
        #expect(answered.value == threads * perThread)
        let entries = threads * perThread + tasks
        #expect(ledger.state.auditHead?.seq == Int64(entries))
        #expect(try database.auditEntries(after: 0, limit: entries + 10).count == entries)
    }

    /// Many more waiting tasks than the cooperative pool has threads: if a waiting caller held
    /// a thread, the groups that answer them could not be delivered and this would hang.
    @Test(.timeLimit(.minutes(1))) func waitingCallersHoldNoThread() async throws {
        let database = try CairnDatabase.inMemory()
        let ledger = Self.ledger(database)
        let results = try await withThrowingTaskGroup(of: Int.self, returning: [Int].self) { group in
            for n in 0..<2_000 { group.addTask { try await ledger.submit { Self.note(&$0, n); return n } } }
            return try await group.reduce(into: []) { $0.append($1) }
        }
        #expect(results.sorted() == Array(0..<2_000))
    }

    @Test func aRefusedJobFailsAloneAndLeavesNoTrace() async throws {
        struct Refused: Error {}
        let database = try CairnDatabase.inMemory()
        let ledger = Self.ledger(database)
        try await withThrowingTaskGroup(of: Bool.self) { group in
            for n in 0..<30 {
                group.addTask {
                    do {
                        try await ledger.submit { context in
                            Self.note(&context, n)
                            if n % 3 == 0 { throw Refused() }
                        }
                        return true
                    } catch is Refused {
                        return false
                    }
                }
            }
            var kept = 0
            for try await ok in group where ok { kept += 1 }
            #expect(kept == 20)
        }
        // The refused jobs' entries were built on copies: the chain holds exactly the others.
        #expect(ledger.state.auditHead?.seq == 20)
        #expect(try database.auditEntries(after: 0, limit: 100).map(\.detail).allSatisfy { !$0.contains("\"n\":\"0\"") })
    }

    /// A group whose commit fails: every job of it fails with the store's error, and the
    /// committed state (here the waiting deltas and the audit head) is what it was before.
    @Test func aFailedCommitLeavesTheCommittedStateAsItWas() async throws {
        let database = try CairnDatabase.inMemory()
        let ledger = Self.ledger(database)
        try await ledger.submit { Self.note(&$0, 1) }
        let before = ledger.state
        let stream = StreamID(author: try DeviceID(Array(repeating: 7, count: 32)), level: "SECRET")
        database.faults.fail(["commit a batch"])
        await #expect(throws: (any Error).self) {
            try await ledger.submit { context in
                Self.note(&context, 2)
                _ = try context.waiting.hold(
                    stream: stream, sequence: 5, id: Array(repeating: 1, count: 32), previous: Array(repeating: 2, count: 32),
                    envelope: [1, 2, 3], currentHead: 0)
            }
        }
        database.faults.clear()
        let after = ledger.state
        #expect(after.waiting.count == 0, "a delta held by a group that failed stayed held")
        #expect(after.waiting.count == before.waiting.count)
        #expect(after.auditHead?.seq == before.auditHead?.seq)
        // The ledger goes on: the next group commits.
        try await ledger.submit { Self.note(&$0, 3) }
        #expect(ledger.state.auditHead?.seq == 2)
    }

    /// Participants hear of a group after its callers have their results, and not at all of a
    /// group that failed.
    @Test func participantsHearOfAGroupAfterItsCallers() async throws {
        final class Order: LedgerParticipant, @unchecked Sendable {
            // @unchecked: `events` is guarded by `lock`.
            let lock = NSLock()
            var events: [String] = []
            func committed(_ context: WriteContext) { lock.withLock { events.append("committed \(context.batch.audit.count)") } }
        }
        let database = try CairnDatabase.inMemory()
        let ledger = Self.ledger(database)
        let order = Order()
        ledger.join(order)
        try ledger.submitAndWait { Self.note(&$0, 1) }
        order.lock.withLock { order.events.append("caller") }
        database.faults.fail(["commit a batch"])
        #expect(throws: (any Error).self) { try ledger.submitAndWait { Self.note(&$0, 2) } }
        database.faults.clear()
        // The participant's line may come after the caller's (it runs after delivery), never for
        // the failed group.
        try await Task.sleep(for: .milliseconds(100))
        #expect(order.lock.withLock { order.events.sorted() } == ["caller", "committed 1"])
    }
}
