import CairnModel
import Dispatch
import Foundation
import Testing

@testable import CairnDaemon

/// The lead of a commit group always passes on: however writers interleave, none is left
/// waiting for a leader that never comes.
@Suite struct GroupCommitHandOffTests {
    /// Many threads submit many small jobs with uneven timing; every submit must return (a lost
    /// hand-off would leave a writer waiting forever).
    @Test func everySubmitReturnsUnderContention() throws {
        let commit = GroupCommit()
        let threads = 12
        let perThread = 1_500
        let done = DispatchGroup()
        let total = Mutexed(0)
        let run: @Sendable ([GroupCommit.Job]) -> Void = { group in
            // A leader that sometimes takes a little while, so that writers pile up.
            if group.count % 7 == 0 { usleep(50) }
            for job in group {
                var context = WriteContext(clock: .init(clock: SystemWallClock()), heads: [:], keyring: EpochKeyring())
                job.result = Result { try job.work(&context) }
            }
        }
        for _ in 0..<threads {
            done.enter()
            Thread.detachNewThread {
                defer { done.leave() }
                for n in 0..<perThread {
                    if n % 97 == 0 { usleep(UInt32.random(in: 0...200)) }
                    _ = try? commit.submit({ _ in
                        total.update { $0 += 1 }
                        return (nil, false)
                    }, run: run)
                }
            }
        }
        let finished = done.wait(timeout: .now() + 60)
        #expect(finished == .success, "writers were left waiting for a leader")
        #expect(total.value == threads * perThread)
    }
}
