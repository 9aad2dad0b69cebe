import CairnControl
import CairnModel
import CairnProtocol
import CairnTestSupport
import CairnTrust
import Foundation
import NIOCore
import NIOEmbedded
import Synchronization
import Testing

@testable import CairnDaemon

/// Store work that stalls must not stall the link's event loop: while a batch read or an ingest
/// is stuck, frames are still answered, keep-alives still go out, `status` still reads the
/// link's counters, and a flooding peer is still refused.
///
/// This is the one place a test double of `SyncSite` stands in for the site, because the point
/// is threading: `GatedSite` (GatedSyncSite.swift) passes every call to the real alpha/hq site,
/// except that the store calls named by its gates wait until the test opens them, and it notes
/// on which thread each store call ran.
@Suite(.timeLimit(.minutes(1))) struct SyncLinkThreadingTests {
    /// A Summary from the peer that cannot match ours (an empty vector's digest).
    static let emptySummary = SyncFrame.summary(round: 1, digest: VectorDigest.digest([]), streams: 0)

    /// While the pump's store read is held: a Summary from the peer is answered, a keep-alive
    /// round goes out, `status` reads the link. When the read is let through, the batch follows.
    ///
    /// Before the link's state moved to its event loop, the pump held the link's mutex across
    /// this read and `receive` took the same mutex on the loop: the Summary would not have
    /// been answered until the read returned.
    @Test func theLoopAnswersWhileABatchReadIsHeld() async throws {
        let reads = Gate()
        try await SyncLinkChannelTests.withHarness(site: { GatedSite($0, reads: reads) }) { harness in
            defer { reads.open() }
            // Something to send (keys are minted lazily: a site that wrote nothing holds nothing).
            _ = try harness.alpha.records.put(PutRecordRequest(id: "c-1", type: "note", classification: "CONFIDENTIAL", fields: ["n": 1]))
            let round = try await harness.admit()
            try await harness.send(.vector(round: round, positions: [], reply: false))
            guard case .vector(_, _, true) = try await harness.next() else { throw FixtureError("no reply vector") }
            try #require(await wait(for: reads.entered), "the pump never read the store")

            try await harness.send(Self.emptySummary)
            guard case .vector(1, let positions, false) = try await harness.next() else { throw FixtureError("summary not answered") }
            #expect(!positions.isEmpty)
            #expect(!reads.expired, "the Summary was answered only once the held read gave up")
            let link = try #require(harness.peerLink)
            link.keepAlive(after: 0)
            guard case .summary(let next, _, _) = try await harness.next() else { throw FixtureError("no keep-alive round") }
            #expect(next == round + 1)
            let snapshot = link.snapshot()
            #expect(snapshot.bytesReceived > 0 && snapshot.bytesSent > 0)
            #expect(snapshot.deltasSent == 0)

            reads.open()
            guard case .deltas(_, let envelopes) = try await harness.next() else { throw FixtureError("no Deltas after the read") }
            #expect(!envelopes.isEmpty)
        }
    }

    /// While an ingest is held: a Summary is answered and `status` reads the link; the peer
    /// that keeps sending batches is still refused as flooding, at once, by the loop.
    @Test func theLoopAnswersAndRefusesFloodingWhileAnIngestIsHeld() async throws {
        let ingests = Gate()
        try await SyncLinkChannelTests.withHarness(site: { GatedSite($0, ingests: ingests) }) { harness in
            defer { ingests.open() }
            // bravo's deltas to send (keys are minted lazily: a site that wrote nothing holds nothing).
            // alpha's too, so that its vector differs from an empty one's digest.
            _ = try harness.bravo.records.put(PutRecordRequest(id: "b-1", type: "note", classification: "CONFIDENTIAL", fields: ["n": 2]))
            _ = try harness.alpha.records.put(PutRecordRequest(id: "c-1", type: "note", classification: "CONFIDENTIAL", fields: ["n": 1]))
            _ = try await harness.admit()
            // bravo's own deltas: stored the first time, duplicates after (the frame decoder
            // refuses an empty batch).
            let envelopes = try SyncLinkChannelTests.ownEnvelopes(harness.bravo)
            try await harness.send(.deltas(batch: 1, envelopes: envelopes))
            try #require(await wait(for: ingests.entered), "the batch never reached ingest")

            try await harness.send(Self.emptySummary)
            guard case .vector(1, _, false) = try await harness.next() else { throw FixtureError("summary not answered") }
            #expect(!ingests.expired, "the Summary was answered only once the held ingest gave up")
            let link = try #require(harness.peerLink)
            #expect(link.snapshot().bytesReceived > 0)

            // One batch is held in ingest; the link allows `maxQueuedFrames` outstanding in all.
            let allowed = link.maxQueuedFrames
            for batch in 2...allowed + 1 { try await harness.send(.deltas(batch: UInt64(batch), envelopes: envelopes)) }
            guard case .goodbye(let reason, _) = try await harness.next() else { throw FixtureError("no Goodbye") }
            #expect(reason == "sent \(allowed + 1) frames that need the store without waiting for answers")
            try await harness.channel.closeFuture.get()
            #expect(SyncChannel.counter(harness.alpha, "cairn_sync_connections_refused_total", "reason=\"flooding\"") == 1)
            // The held batch and those queued behind it are still stored, off the loop, once let
            // through (nothing already taken in is lost).
            ingests.open()
            await withCheckedContinuation { (done: CheckedContinuation<Void, Never>) in link.inbound.async { done.resume() } }
            let bravoID = TestKeys.verifiedCertificate("bravo/hq").deviceID
            #expect(harness.alpha.vector(levels: link.snapshot().commonLevels).contains { $0.author == bravoID })
        }
    }

    /// Ingest is a pipeline: while one batch waits for the ledger (held here by a job that
    /// blocks the writer), the link's serial queue verifies the next one; both are acknowledged,
    /// in order, once the ledger goes on.
    @Test func theNextBatchIsVerifiedWhileTheLastIsStored() async throws {
        let log = StoreCallLog()
        try await SyncLinkChannelTests.withHarness(site: { GatedSite($0, log: log) }) { harness in
            _ = try harness.bravo.records.put(PutRecordRequest(id: "b-1", type: "note", classification: "CONFIDENTIAL", fields: ["n": 2]))
            _ = try await harness.admit()
            let writer = DispatchSemaphore(value: 0), held = DispatchSemaphore(value: 0)
            harness.alpha.kernel.ledger.submit({ _ in
                held.signal()
                _ = writer.wait(timeout: .now() + .seconds(Gate.holdSeconds))
            }, done: { _ in })
            defer { writer.signal() }
            try #require(await wait(for: held), "the ledger never ran the blocking job")

            let envelopes = try SyncLinkChannelTests.ownEnvelopes(harness.bravo)
            try await harness.send(.deltas(batch: 1, envelopes: envelopes))
            try await harness.send(.deltas(batch: 2, envelopes: envelopes))
            let ingests = { log.calls.withLock { $0 }.filter { $0.name == "ingest" }.count }
            #expect(await eventually(within: 5) { ingests() == 2 }, "the second batch waited for the first one's commit")
            writer.signal()
            var acknowledged: [UInt64] = []
            while acknowledged.count < 2 {
                if case .ack(let counts) = try await harness.next() { acknowledged.append(counts.batch) }
            }
            #expect(acknowledged == [1, 2])
        }
    }

    /// Every store call a link makes runs off its event loop: admission (learning the peer,
    /// reading the trust objects and the certificates it may have), the pump's reads of a
    /// batch, a received batch's ingest, a received revocation, and the witness flush at the
    /// close. The site notes where each call ran.
    @Test func storeWorkNeverRunsOnTheEventLoop() async throws {
        let log = StoreCallLog()
        try await SyncLinkChannelTests.withHarness(site: { GatedSite($0, log: log) }) { harness in
            log.loop.withLock { $0 = harness.channel.eventLoop }
            // Deltas on both sides (keys are minted lazily: a site that wrote nothing holds nothing).
            _ = try harness.alpha.records.put(PutRecordRequest(id: "c-1", type: "note", classification: "CONFIDENTIAL", fields: ["n": 1]))
            _ = try harness.bravo.records.put(PutRecordRequest(id: "b-1", type: "note", classification: "CONFIDENTIAL", fields: ["n": 2]))
            let round = try await harness.admit()
            try await harness.send(.vector(round: round, positions: [], reply: false))
            guard case .vector(_, _, true) = try await harness.next() else { throw FixtureError("no reply vector") }
            guard case .deltas(let batch, let sent) = try await harness.next() else { throw FixtureError("no Deltas") }
            try await harness.send(.ack(AckCounts(batch: batch, stored: UInt32(sent.count))))

            let envelopes = try SyncLinkChannelTests.ownEnvelopes(harness.bravo)
            try await harness.send(.deltas(batch: 1, envelopes: envelopes))
            var acknowledged = false
            while !acknowledged {
                if case .ack(let counts) = try await harness.next() { acknowledged = counts.batch == 1 }
            }
            let revocation = try Revocation.issue(
                certificate: TestKeys.verifiedCertificate("charlie/hq"), agencyKey: TestKeys.agency("charlie"),
                charter: TestKeys.charter(), effectiveAt: TestKeys.now - 60, reason: "lost")
            try await harness.send(.trust(revocations: [revocation.serialized()], charters: []))
            #expect(await eventually { log.names.contains("accept(revocations:)") })
            try await harness.channel.close().get()
            #expect(await eventually { log.names.contains("flushWitnessed") })

            let expected: Set<String> = [
                "learn", "trust", "certificates(sharedWith:)", "deltas", "certificates(of:)", "ingest", "accept(charters:)",
                "accept(revocations:)", "flushWitnessed",
            ]
            #expect(log.names.isSuperset(of: expected), "store calls seen: \(log.names.sorted())")
            #expect(log.onLoop.isEmpty, "store work ran on the event loop: \(log.onLoop)")
        }
    }
}
