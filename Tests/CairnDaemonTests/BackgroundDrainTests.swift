import CairnControl
import CairnTestSupport
import Foundation
import NIOPosix
import Synchronization
import Testing

@testable import CairnDaemon

/// The drains as tasks: a drain sleeps on its wake-up stream, wakes when the ledger commits a
/// group that left work, and stops promptly (after the group it is committing) when its task is
/// cancelled, which is what graceful shutdown does.
@Suite(.timeLimit(.minutes(2)))
struct BackgroundDrainTests {
    /// Two sites in one temporary directory: bravo holds `count` CONFIDENTIAL deltas of alpha's,
    /// stored but waiting for alpha's key; `body` gets the grants that bring it.
    static func withBacklog(count: Int, _ body: (_ alpha: Site, _ bravo: Site, _ grants: [[UInt8]]) async throws -> Void) async throws {
        try await withTemporaryDirectory { directory in
            let (alpha, bravo, grants) = try await blocking { () throws -> (Site, Site, [[UInt8]]) in
                let alpha = try SiteFixture.load(try SiteFixture.config(in: directory, device: "alpha/hq", stateDirectory: "state-a"))
                let bravo = try SiteFixture.load(try SiteFixture.config(in: directory, device: "bravo/hq", stateDirectory: "state-b"))
                for n in 0..<count {
                    _ = try alpha.records.put(
                        PutRecordRequest(id: "c-\(n)", type: "note", classification: "CONFIDENTIAL", fields: ["n": .int(Int64(n))]))
                }
                try bravo.keys.learn([alpha.identity.certificate], from: "test")
                let records = try SiteIngestTests.envelopes(alpha, levels: ["CONFIDENTIAL"])
                _ = try bravo.ingest.ingest(records, from: SiteIngestTests.source(alpha))
                try alpha.keys.learn([bravo.identity.certificate], from: "test")
                return (alpha, bravo, try SiteIngestTests.envelopes(alpha, levels: ["CONFIDENTIAL"]).filter { !records.contains($0) })
            }
            defer {
                try? alpha.database.close()
                try? bravo.database.close()
            }
            try await body(alpha, bravo, grants)
        }
    }

    static func withPool(_ body: (NIOThreadPool) async throws -> Void) async throws {
        let pool = NIOThreadPool(numberOfThreads: 2)
        pool.start()
        do {
            try await body(pool)
        } catch {
            try await pool.shutdownGracefully()
            throw error
        }
        try await pool.shutdownGracefully()
    }

    @Test func theBacklogDrainWakesOnTheGroupThatLeftABacklog() async throws {
        try await Self.withBacklog(count: 10) { alpha, bravo, grants in
            try await Self.withPool { pool in
                bravo.backlog.limit = 3
                let drain = Task { await bravo.backlog.run(bravo, threadPool: pool) }
                // The pass after start finds nothing to apply yet.
                #expect(await bravo.backlog.passes.wait(after: 0, until: .now + .seconds(30)))
                #expect(try bravo.database.unappliedCounts()["CONFIDENTIAL"] == 10)

                let seen = bravo.backlog.passes.generation
                // The grant's group applies three and leaves the rest: the ledger wakes the drain.
                _ = try await blocking { try bravo.ingest.ingest(grants, from: SiteIngestTests.source(alpha)) }
                #expect(await bravo.backlog.passes.wait(after: seen, until: .now + .seconds(30)))
                #expect(try bravo.database.unappliedCounts().isEmpty)
                for n in 0..<10 { #expect(try bravo.records.document(id: "c-\(n)").fields["n"] == .int(Int64(n))) }

                let stopping = ContinuousClock.now
                drain.cancel()
                await drain.value
                #expect(ContinuousClock.now - stopping < .seconds(5))
            }
        }
    }

    @Test func aCancelledDrainStopsAfterTheGroupItIsCommitting() async throws {
        try await Self.withBacklog(count: 150) { alpha, bravo, grants in
            try await Self.withPool { pool in
                bravo.backlog.limit = 1
                _ = try await blocking { try bravo.ingest.ingest(grants, from: SiteIngestTests.source(alpha)) }
                #expect(try bravo.database.unappliedCounts()["CONFIDENTIAL"] == 149)
                // The first group the drain commits says it is under way.
                let applying = AsyncSignal()
                let watch = bravo.feeds.changes.subscribe { _ in applying.signal() }
                defer { bravo.feeds.changes.unsubscribe(watch) }
                let drain = Task { await bravo.backlog.run(bravo, threadPool: pool) }
                #expect(await applying.wait(after: 0, until: .now + .seconds(30)))
                let stopping = ContinuousClock.now
                drain.cancel()
                await drain.value
                #expect(ContinuousClock.now - stopping < .seconds(5))
                // Stopped part way, between groups: what was applied is whole, the rest waits
                // for the next start.
                let left = try bravo.database.unappliedCounts()["CONFIDENTIAL"] ?? 0
                #expect(left > 0 && left < 149, "\(left) left")
                let listed = try bravo.records.list(level: "CONFIDENTIAL", type: nil, tag: nil, deleted: .include).count
                #expect(listed == 150 - left)
            }
        }
    }

    @Test func theWithdrawalDrainWakesOnTheGroupThatLeftWork() async throws {
        try await withTemporaryDirectory { directory in
            let (hq, laptop, effective) = try await blocking { () throws -> (Site, Site, Int64) in
                let hq = try SiteFixture.load(try SiteFixture.config(in: directory, device: "alpha/hq", stateDirectory: "state-hq"))
                let laptop = try SiteFixture.load(try SiteFixture.config(in: directory, device: "alpha/laptop", stateDirectory: "state-laptop"))
                try SiteFixture.mintKeys([hq, laptop])
                try SiteIngestTests.introduce(hq, laptop)
                try SiteRevocationTests.exchange(hq, laptop)
                let effective = SiteRetroactiveRevocationTests.nextSecond()
                for n in 0..<7 {
                    _ = try laptop.records.put(
                        PutRecordRequest(id: "r-\(n)", type: "note", classification: "RESTRICTED", fields: ["n": .int(Int64(n))]))
                }
                try SiteRevocationTests.exchange(hq, laptop)
                return (hq, laptop, effective)
            }
            defer {
                try? hq.database.close()
                try? laptop.database.close()
            }
            hq.withdrawalDrain.limit = 3
            let drain = Task { await hq.withdrawalDrain.run(hq) }
            #expect(await hq.withdrawalDrain.passes.wait(after: 0, until: .now + .seconds(30)))

            let seen = hq.withdrawalDrain.passes.generation
            // The revocation's group withdraws three; the ledger wakes the drain for the rest.
            _ = try await blocking {
                try hq.trust.accept(revocation: SiteRevocationTests.revocation(of: "alpha/laptop", effectiveAt: effective), from: "test")
            }
            #expect(await hq.withdrawalDrain.passes.wait(after: seen, until: .now + .seconds(30)))
            let laptopID = laptop.identity.deviceID.bytes
            #expect(try hq.database.quarantined().filter { $0.author == laptopID }.count == 7)
            #expect(try hq.records.list(level: "RESTRICTED", type: nil, tag: nil, deleted: .include).isEmpty)

            let stopping = ContinuousClock.now
            drain.cancel()
            await drain.value
            #expect(ContinuousClock.now - stopping < .seconds(5))
        }
    }
}
