import CairnControl
import CairnModel
import CairnProtocol
import CairnTestSupport
import CairnTransport
import CairnTrust
import Foundation
import NIOCore
import NIOEmbedded
import NIOPosix
import Synchronization
import Testing

@testable import CairnDaemon

/// A connection accepted by alpha/hq (cleared SECRET), driven frame by frame by a test playing
/// bravo/hq (cleared CONFIDENTIAL), whose own real site makes and checks the deltas. The store
/// work runs off the loop for real (serial queue, thread pool), so the channel is a
/// `NIOAsyncTestingChannel`, whose loop other threads may hop to.
@Suite(.timeLimit(.minutes(1))) struct SyncLinkChannelTests {
    struct Harness {
        let alpha: Site
        let bravo: Site
        let channel: NIOAsyncTestingChannel
        let link: LinkBox
        var reader = FrameReader()

        var peerLink: PeerLink? { link.link.withLock { $0 } }

        func send(_ frame: SyncFrame) async throws {
            try await channel.writeInbound(SyncChannel.wire(frame))
        }

        mutating func next() async throws -> SyncFrame {
            try await reader.nextIgnoringAuditHeads(from: channel)
        }

        /// Says Hello as bravo/hq and reads the admission's answer: our Hello, the certificates
        /// bravo may have (none when alpha holds no delta yet: keys are minted lazily, and an
        /// empty Certificates frame is never sent), and the Summary of our first round (returned).
        mutating func admit() async throws -> UInt64 {
            try await send(.hello(SyncChannel.hello("bravo/hq")))
            guard case .hello = try await next() else { throw FixtureError("no Hello back") }
            var frame = try await next()
            if case .certificates(let certificates) = frame {
                let devices = try certificates.map { try DeviceCertificate.verifyIgnoringTime(
                    try SignedObject.parse(bytes: $0, kind: .certificate), charter: TestKeys.charter()) }
                try bravo.keys.learn(devices, from: "test")
                frame = try await next()
            } else {
                #expect(try alpha.database.streamHeads().isEmpty, "alpha holds deltas but sent no certificates")
            }
            guard case .summary(let round, _, _) = frame else { throw FixtureError("no Summary") }
            return round
        }
    }

    /// Runs `body` with alpha/hq behind `site` (alpha itself unless given) and the channel.
    static func withHarness(
        limits: SyncLimits = SyncChannel.limits, site wrap: (Site) -> any SyncSite = { $0 }, _ body: (inout Harness) async throws -> Void
    ) async throws {
        let directory = "/tmp/cd-" + UUID().uuidString.replacingOccurrences(of: "-", with: "").prefix(12).lowercased()
        guard mkdir(directory, 0o700) == 0 else { throw FixtureError("cannot create \(directory)") }
        defer { try? FileManager.default.removeItem(atPath: directory) }
        // Loaded off the cooperative pool, which the tests running beside this one need.
        let (alpha, bravo) = try await blocking {
            let alpha = try SiteFixture.load(try SiteFixture.config(in: directory, device: "alpha/hq", stateDirectory: "state-a"))
            let bravo = try SiteFixture.load(try SiteFixture.config(in: directory, device: "bravo/hq", stateDirectory: "state-b"))
            // Keys held beforehand (minted lazily otherwise): alpha then holds its own grant
            // deltas, so admission passes on its certificate, and bravo can seal its deltas.
            try SiteFixture.mintKeys([alpha, bravo])
            return (alpha, bravo)
        }
        defer {
            try? alpha.database.close()
            try? bravo.database.close()
        }
        let pool = NIOThreadPool(numberOfThreads: 2)
        pool.start()
        let context = SyncChannel.context(site: wrap(alpha), auditSite: alpha, pool: pool, limits: limits)
        let link = LinkBox()
        let channel = try await NIOAsyncTestingChannel { channel in
            try SyncChannel.configure(channel, context: context, onLink: { created in if let created { link.link.withLock { $0 = created } } })
        }
        try await channel.connect(to: SocketAddress(ipAddress: "192.0.2.8", port: 4100)).get()
        let key = TestKeys.verifiedCertificate("bravo/hq").tlsKey.bytes
        try await channel.testingEventLoop.executeInContext {
            channel.pipeline.fireUserInboundEventTriggered(SyncChannel.handshake(key))
        }
        var harness = Harness(alpha: alpha, bravo: bravo, channel: channel, link: link)
        do {
            try await body(&harness)
        } catch {
            try? await channel.close().get()
            try? await pool.shutdownGracefully()
            throw error
        }
        try? await channel.close().get()
        try await pool.shutdownGracefully()
    }

    /// Every delta `site` holds that it wrote, in stream order.
    static func ownEnvelopes(_ site: Site) throws -> [[UInt8]] {
        var result: [[UInt8]] = []
        for head in try site.database.streamHeads() where head.author == site.identity.deviceID.bytes {
            result += try site.database.deltas(author: head.author, level: head.level, fromSequence: 1, limit: 10_000).map(\.envelope)
        }
        return result
    }

    @Test func anAdmittedPeerIsAnsweredAndRegistered() async throws {
        try await Self.withHarness { harness in
            let round = try await harness.admit()
            #expect(round == 1)
            let link = try #require(harness.peerLink)
            #expect(link.peer?.deviceID == TestKeys.verifiedCertificate("bravo/hq").deviceID)
            #expect(link.snapshot().commonLevels == ["UNCLASSIFIED", "RESTRICTED", "CONFIDENTIAL"])
            // The peer's certificate was learned (on the serial queue, before the certificates went out).
            #expect(harness.alpha.ledger.read { $0.devices.certificate(TestKeys.verifiedCertificate("bravo/hq").deviceID) } != nil)
        }
    }

    /// The peer says it holds nothing: it is sent every delta of the levels both may see and
    /// none above, a batch at a time while its window (here 1 batch of 2) is full; its site
    /// stores all of them, and `status` sees nothing left to send.
    @Test func onlyCommonLevelsAreSentABatchAtATimeAsTheWindowAllows() async throws {
        let limits = SyncLimits(maxDeltasPerBatch: 2, maxUnackedBatches: 1)
        try await Self.withHarness(limits: limits) { harness in
            for (id, level) in [("s-1", "SECRET"), ("c-1", "CONFIDENTIAL"), ("c-2", "CONFIDENTIAL"), ("u-1", "UNCLASSIFIED")] {
                _ = try harness.alpha.records.put(PutRecordRequest(id: id, type: "note", classification: level, fields: ["n": 1]))
            }
            let round = try await harness.admit()
            try await harness.send(.vector(round: round, positions: [], reply: false))
            guard case .vector(_, let ours, true) = try await harness.next() else { throw FixtureError("no reply vector") }
            #expect(!ours.isEmpty && ours.allSatisfy { $0.level != "SECRET" })
            let total = ours.reduce(0) { $0 + Int($1.sequence) }
            var envelopes: [[UInt8]] = []
            while envelopes.count < total {
                guard case .deltas(let batch, let batchEnvelopes) = try await harness.next() else { throw FixtureError("no Deltas") }
                #expect(batchEnvelopes.count <= 2)
                // The window is full: nothing more until the peer acknowledges.
                try await Task.sleep(for: .milliseconds(50))
                let channel = harness.channel
                #expect(try await harness.reader.isQuiet(channel))
                envelopes += batchEnvelopes
                try await harness.send(.ack(AckCounts(batch: batch, stored: UInt32(batchEnvelopes.count))))
            }
            #expect(envelopes.count == total)
            #expect(try envelopes.allSatisfy { try SealedDelta.parse($0).header.level != "SECRET" })
            let report = try harness.bravo.ingest.ingest(envelopes, from: DeltaSource(name: "alpha/hq", clearance: "SECRET"))
            #expect(report.refused == 0 && report.stored == total)
            #expect(try harness.bravo.records.document(id: "c-2").fields["n"] == 1)
            let link = try #require(harness.peerLink)
            #expect(await eventually { link.snapshot().deltasSent == UInt64(total) })
            #expect(link.snapshot().lacking.values.reduce(0, +) == 0)
        }
    }

    /// A revocation taken while a peer is connected goes out before the next batch, which may
    /// carry the grants of the rotation it caused: a peer that took a rotated key before the
    /// revocation could pass it on to the device it does not yet know is revoked. (Seen in
    /// `SyncCharterAmendmentTests`: a withdrawn device held the rotated key, now and then.)
    @Test func aRevocationGoesOutBeforeTheNextBatch() async throws {
        try await Self.withHarness { harness in
            _ = try harness.alpha.records.put(PutRecordRequest(id: "c-1", type: "note", classification: "CONFIDENTIAL", fields: ["n": 1]))
            let round = try await harness.admit()
            try await harness.send(.vector(round: round, positions: [], reply: false))
            guard case .vector(_, let ours, true) = try await harness.next() else { throw FixtureError("no reply vector") }
            let total = ours.reduce(0) { $0 + Int($1.sequence) }
            var received = 0
            while received < total {
                guard case .deltas(let batch, let envelopes) = try await harness.next() else { throw FixtureError("no Deltas") }
                received += envelopes.count
                try await harness.send(.ack(AckCounts(batch: batch, stored: UInt32(envelopes.count))))
            }
            let revocation = try SiteRevocationTests.revocation(of: "charlie/hq")
            _ = try harness.alpha.trust.accept(revocation: revocation, from: "test")
            _ = try harness.alpha.records.put(PutRecordRequest(id: "c-2", type: "note", classification: "CONFIDENTIAL", fields: ["n": 2]))
            let alphaID = harness.alpha.deviceID
            let head = try #require(harness.alpha.vector(levels: ["CONFIDENTIAL"]).first { $0.author == alphaID })
            let link = try #require(harness.peerLink)
            link.push([(stream: StreamID(author: alphaID, level: "CONFIDENTIAL"), sequence: head.sequence)])
            guard case .trust(let revocations, _) = try await harness.next() else { throw FixtureError("a batch before the revocation") }
            #expect(revocations == [revocation.serialized()])
            guard case .deltas = try await harness.next() else { throw FixtureError("no Deltas after the revocation") }
        }
    }

    /// The Hello and a batch sent back to back: the peer's certificate is learned before the
    /// batch is verified (the serial queue keeps arrival order), the batch is stored and
    /// acknowledged, and `status` counts it.
    @Test func receivedDeltasAreStoredInOrderAndAcknowledged() async throws {
        try await Self.withHarness { harness in
            _ = try harness.bravo.records.put(PutRecordRequest(id: "b-1", type: "note", classification: "CONFIDENTIAL", fields: ["n": 2]))
            let envelopes = try Self.ownEnvelopes(harness.bravo)
            try await harness.send(.hello(SyncChannel.hello("bravo/hq")))
            try await harness.send(.deltas(batch: 7, envelopes: envelopes))
            var ack: AckCounts?
            while ack == nil {
                if case .ack(let counts) = try await harness.next() { ack = counts }
            }
            #expect(ack == AckCounts(batch: 7, stored: UInt32(envelopes.count)))
            let link = try #require(harness.peerLink)
            #expect(link.snapshot().deltasReceived == UInt64(envelopes.count))
            let bravoID = TestKeys.verifiedCertificate("bravo/hq").deviceID
            #expect(harness.alpha.vector(levels: ["CONFIDENTIAL"]).contains { $0.author == bravoID })
            #expect(harness.channel.isActive)
        }
    }

    /// A forged delta (its signature broken) is refused by ingest, the batch is still
    /// acknowledged, and the peer is refused as hostile: audited, told why, closed.
    @Test func aForgedDeltaGetsThePeerRefused() async throws {
        try await Self.withHarness { harness in
            _ = try await harness.admit()
            _ = try harness.bravo.records.put(PutRecordRequest(id: "b-2", type: "note", classification: "UNCLASSIFIED", fields: ["n": 3]))
            var envelopes = try Self.ownEnvelopes(harness.bravo)
            envelopes[envelopes.count - 1][envelopes[envelopes.count - 1].count - 1] ^= 0x01
            try await harness.send(.deltas(batch: 1, envelopes: envelopes))
            var frames: [SyncFrame] = []
            while true {
                let frame = try await harness.next()
                frames.append(frame)
                if case .goodbye(let reason, _) = frame {
                    #expect(reason.hasPrefix("sent deltas refused as"))
                    break
                }
            }
            #expect(frames.contains { if case .ack(let counts) = $0 { counts.refused == 1 } else { false } })
            try await harness.channel.closeFuture.get()
            #expect(SyncChannel.counter(harness.alpha, "cairn_sync_connections_refused_total", "reason=\"hostile_deltas\"") == 1)
        }
    }

    @Test func aSecondHelloIsRefused() async throws {
        try await Self.withHarness { harness in
            _ = try await harness.admit()
            try await harness.send(.hello(SyncChannel.hello("bravo/hq")))
            guard case .goodbye(let reason, _) = try await harness.next() else { throw FixtureError("no Goodbye") }
            #expect(reason == "Hello sent twice")
            try await harness.channel.closeFuture.get()
        }
    }
}
