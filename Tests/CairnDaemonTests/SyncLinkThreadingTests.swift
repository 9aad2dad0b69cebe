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
/// is threading: `GatedSite` passes every call to the real alpha/hq site, except that the store
/// calls named by its gates wait until the test opens them.
@Suite(.timeLimit(.minutes(1))) struct SyncLinkThreadingTests {
    /// Holds a blocking call until the test opens it; says when a call is held.
    final class Gate: Sendable {
        private let armed = Atomic<Bool>(true)
        let entered = DispatchSemaphore(value: 0)
        private let opened = DispatchSemaphore(value: 0)

        func pass() {
            guard armed.load(ordering: .acquiring) else { return }
            entered.signal()
            opened.wait()
        }

        /// Lets the held call (and every later one) through.
        func open() {
            armed.store(false, ordering: .releasing)
            opened.signal()
        }
    }

    /// alpha/hq's site, with its batch reads and ingests held by gates.
    final class GatedSite: SyncSite {
        let site: Site
        let reads: Gate?
        let ingests: Gate?

        init(_ site: Site, reads: Gate? = nil, ingests: Gate? = nil) {
            self.site = site
            self.reads = reads
            self.ingests = ingests
        }

        var deviceID: DeviceID { site.deviceID }
        var levels: LevelLattice { site.levels }
        var clearance: String { site.clearance }
        var certificate: DeviceCertificate { site.certificate }
        var federationID: [UInt8] { site.federationID }
        var metrics: SiteMetrics { site.metrics }
        func charter() -> Charter { site.charter() }
        func isWithdrawn(_ certificate: DeviceCertificate) -> Bool { site.isWithdrawn(certificate) }
        func vector(levels: Set<String>) -> [StreamPosition] { site.vector(levels: levels) }
        func auditHeads(for peer: DeviceCertificate) -> (own: AuditHead?, yours: AuditHead?) { site.auditHeads(for: peer) }
        func rememberVector(_ positions: [StreamPosition], of peer: DeviceID) { site.rememberVector(positions, of: peer) }
        func certificates(sharedWith peer: DeviceCertificate, levels: Set<String>) -> [DeviceCertificate] {
            site.certificates(sharedWith: peer, levels: levels)
        }
        func certificates(of devices: Set<DeviceID>) -> [DeviceCertificate] { site.certificates(of: devices) }
        func trust(after version: UInt64) throws -> TrustObjects { try site.trust(after: version) }
        func learn(_ certificates: [DeviceCertificate], from source: String) throws -> Int { try site.learn(certificates, from: source) }
        func accept(charters: [[UInt8]], from source: String) throws -> Int { try site.accept(charters: charters, from: source) }
        func accept(revocations: [[UInt8]], from source: String) throws -> Int { try site.accept(revocations: revocations, from: source) }
        func receiveAuditHeads(own: AuditHead?, yours: AuditHead?, from peer: DeviceCertificate) throws(AuditService.AuditHeadRefusal) {
            try site.receiveAuditHeads(own: own, yours: yours, from: peer)
        }
        func flushWitnessed(_ device: DeviceID) { site.flushWitnessed(device) }

        func ingest(_ envelopes: [[UInt8]], from source: DeltaSource) throws -> IngestReport {
            ingests?.pass()
            return try site.ingest(envelopes, from: source)
        }

        func deltas(of stream: StreamID, from: UInt64, limit: Int) throws -> [(sequence: UInt64, envelope: [UInt8])] {
            reads?.pass()
            return try site.deltas(of: stream, from: from, limit: limit)
        }
    }

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
            let round = try await harness.admit()
            try await harness.send(.vector(round: round, positions: [], reply: false))
            guard case .vector(_, _, true) = try await harness.next() else { throw FixtureError("no reply vector") }
            try #require(await wait(for: reads.entered), "the pump never read the store")

            try await harness.send(Self.emptySummary)
            guard case .vector(1, let positions, false) = try await harness.next() else { throw FixtureError("summary not answered") }
            #expect(!positions.isEmpty)
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
            _ = try await harness.admit()
            // bravo's own deltas: stored the first time, duplicates after (the frame decoder
            // refuses an empty batch).
            let envelopes = try SyncLinkChannelTests.ownEnvelopes(harness.bravo)
            try await harness.send(.deltas(batch: 1, envelopes: envelopes))
            try #require(await wait(for: ingests.entered), "the batch never reached ingest")

            try await harness.send(Self.emptySummary)
            guard case .vector(1, _, false) = try await harness.next() else { throw FixtureError("summary not answered") }
            let link = try #require(harness.peerLink)
            #expect(link.snapshot().bytesReceived > 0)

            // One batch is held in ingest; the link allows `maxQueuedFrames` outstanding in all.
            let allowed = link.maxQueuedFrames
            for batch in 2...allowed + 1 { try await harness.send(.deltas(batch: UInt64(batch), envelopes: envelopes)) }
            guard case .goodbye(let reason) = try await harness.next() else { throw FixtureError("no Goodbye") }
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
}
