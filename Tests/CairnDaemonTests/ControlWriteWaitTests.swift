import CairnControl
import Foundation
import Synchronization
import Testing

@testable import CairnDaemon

/// A write waits for its ledger group as a suspended task: callers waiting on a slow commit
/// hold no thread, so the daemon still serves while hundreds of writes are queued.
@Suite struct ControlWriteWaitTests {
    static let caller = PeerCredentials(pid: 1, uid: 1000, gid: 1000)

    @Test func queuedWritesHoldNoThread() async throws {
        try await withTemporaryDirectory { directory in
            try await SiteFixture.withSite(try SiteFixture.config(in: directory)) { site in
                let api = ControlAPI(site: site, logger: SiteFixture.logger)
                // A job that holds the writer until released (or 30 s pass, so that a failure
                // of this test ends instead of hanging the suite).
                let entered = DispatchSemaphore(value: 0)
                let release = DispatchSemaphore(value: 0)
                let timedOut = Mutex(false)
                let gate = Task {
                    try await site.kernel.ledger.submit { _ in
                        entered.signal()
                        if release.wait(timeout: .now() + 30) == .timedOut { timedOut.withLock { $0 = true } }
                    }
                }
                try await blocking { entered.wait() }

                let writers = 200
                let puts = (0..<writers).map { n in
                    Task {
                        await api.handleWaiting(
                            .putRecord,
                            body: Array(#"{"id":"w-\#(n)","type":"memo","classification":"SECRET","fields":{"n":"\#(n)"}}"#.utf8),
                            caller: Self.caller)
                    }
                }
                // Every put is queued behind the gate. Were each holding a thread (the pool
                // has two here), neither this task nor the status read could run until the
                // gate timed out.
                let probe = await Task { 42 }.value
                let status = await api.serve(.status, body: [], caller: Self.caller)
                release.signal()
                try await gate.value

                #expect(probe == 42 && status.status == 200)
                #expect(!timedOut.withLock { $0 }, "the writer gate timed out: waiting writes held the cooperative pool")
                var created = 0
                for put in puts where await put.value.status == 201 { created += 1 }
                #expect(created == writers)
                let list = await api.serve(.listRecords(level: nil, type: nil, tag: nil, deleted: .exclude), body: [], caller: Self.caller)
                #expect(try ControlJSON.decoder().decode([RecordDocument].self, from: Data(list.body)).count == writers)
            }
        }
    }
}
