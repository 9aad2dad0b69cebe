import CairnControl
import CairnCrypto
import CairnModel
import CairnProtocol
import CairnTestSupport
import CairnTrust
import Foundation
import NIOCore
import Testing

@testable import CairnDaemon

/// Protocol 2 on a link accepted by alpha/hq (cleared SECRET), driven by a test playing
/// bravo/hq (cleared CONFIDENTIAL) with its own real site and a real `ReconcileSession`.
@Suite(.timeLimit(.minutes(1))) struct SyncReconcileChannelTests {
    typealias Harness = SyncLinkChannelTests.Harness
    static let common: Set<String> = ["UNCLASSIFIED", "RESTRICTED", "CONFIDENTIAL"]

    /// Says Hello as bravo/hq announcing protocol 2 and, as the dialling side does, reconciles
    /// the certificates with a real session (learning those alpha sends, sending those alpha
    /// lacks); returns the first message of alpha's session over stream heads (frames before it
    /// must be none of a whole-vector round).
    static func admitSpeakingProtocol2(_ harness: inout Harness, features: UInt64 = SyncFrame.features) async throws -> [UInt8] {
        try await harness.send(.hello(SyncChannel.hello("bravo/hq", features: features)))
        try await Self.learnHello(&harness)
        var opening = try await CertificateOpening(harness)
        try await harness.send(.reconcile(opening.first))
        var heads: [UInt8]?
        while heads == nil || !opening.isOver {
            switch try await harness.next() {
            case .certificates(let certificates):
                try opening.received(certificates, harness)
            case .reconcile(let bytes):
                let message = try ReconcileMessage.decode(bytes, limits: .default)
                if message.set == .streamHeads {
                    #expect(heads == nil, "a second session over stream heads")
                    heads = bytes
                } else {
                    for frame in try opening.answer(bytes) { try await harness.send(frame) }
                }
            case let other:
                throw FixtureError("\(other.kind) before the reconcile session")
            }
        }
        return try #require(heads)
    }

    /// Reads alpha's Hello and learns the certificate in it, as a dialling site does (a
    /// session over certificates leaves out the two ends of the link).
    static func learnHello(_ harness: inout Harness) async throws {
        guard case .hello(let hello) = try await harness.next() else { throw FixtureError("no Hello back") }
        let certificate = try DeviceCertificate.verifyIgnoringTime(
            try SignedObject.parse(bytes: hello.certificate, kind: .certificate), charter: TestKeys.charter())
        try harness.bravo.keys.learn([certificate], from: "test")
    }

    /// Answers alpha's session over stream heads, opened by `first`, as bravo (its set at the
    /// common levels) until it is over: bravo's items, its finished session and the number of
    /// alpha's messages.
    static func answerHeads(_ first: [UInt8], _ harness: inout Harness) async throws
        -> (StreamHeadItems, ReconcileSession, Int)
    {
        let items = try StreamHeadItems(local: harness.bravo.vector(levels: common), levels: common)
        var bravo = ReconcileSession(responding: items.set)
        var incoming = first, messages = 1
        while true {
            let output = try bravo.receive(incoming)
            if let reply = output.reply { try await harness.send(.reconcile(reply)) }
            if output.finished { return (items, bravo, messages) }
            guard case .reconcile(let next) = try await harness.next() else { throw FixtureError("not a reconcile message") }
            incoming = next
            messages += 1
        }
    }

    /// Plays bravo's side of the certificate session until it is over and alpha sent what it
    /// owes (other sessions' messages are left unanswered).
    static func finish(_ opening: inout CertificateOpening, _ harness: inout Harness) async throws {
        while !opening.isOver {
            switch try await harness.next() {
            case .certificates(let certificates): try opening.received(certificates, harness)
            case .reconcile(let bytes):
                guard try ReconcileMessage.decode(bytes, limits: .default).set == .certificates else { continue }
                for frame in try opening.answer(bytes) { try await harness.send(frame) }
            case let other: throw FixtureError("\(other.kind) during the opening")
            }
        }
    }

    /// Bravo's side of the session over certificates that opens a protocol-2 connection.
    struct CertificateOpening {
        let items: CertificateItems
        var session: ReconcileSession
        let first: [UInt8]
        /// Devices alpha is expected to send certificates of, once the session is over.
        var expected: Set<DeviceID>?
        /// The certificates alpha sent, by device.
        var receivedDevices: [DeviceID] = []
        var framesReceived = 0

        init(_ harness: Harness, session number: UInt64 = 1) async throws {
            let alphaID = TestKeys.verifiedCertificate("alpha/hq").deviceID, bravoID = harness.bravo.deviceID
            let shared = harness.bravo.certificates(sharedWith: TestKeys.verifiedCertificate("alpha/hq"), levels: common)
                .filter { $0.deviceID != alphaID && $0.deviceID != bravoID }
            items = try CertificateItems(shared)
            (session, first) = try ReconcileSession.initiate(set: items.set, session: number, salt: SecureRandom.bytes(16))
        }

        var isOver: Bool { expected.map { $0.isEmpty } ?? false }

        /// Alpha's answer: what bravo sends back (its reply, if any, then once the session is
        /// over the certificates alpha lacks, if any).
        mutating func answer(_ bytes: [UInt8]) throws -> [SyncFrame] {
            let output = try session.receive(bytes)
            var frames = output.reply.map { [SyncFrame.reconcile($0)] } ?? []
            guard output.finished, let outcome = session.outcome else { return frames }
            expected = Set(items.expected(outcome))
            let send = items.toSend(outcome)
            if !send.isEmpty { frames.append(.certificates(send.map { $0.signed.serialized() })) }
            return frames
        }

        mutating func received(_ certificates: [[UInt8]], _ harness: Harness) throws {
            let devices = try certificates.map {
                try DeviceCertificate.verifyIgnoringTime(try SignedObject.parse(bytes: $0, kind: .certificate), charter: TestKeys.charter())
            }
            try harness.bravo.keys.learn(devices, from: "test")
            receivedDevices += devices.map(\.deviceID)
            framesReceived += 1
            if var expected {
                expected.subtract(devices.map(\.deviceID))
                self.expected = expected
            }
        }
    }

    /// Both sides hold something the other lacks: alpha's round is a reconcile session (no
    /// Summary, no Vector), bravo learns from it what to send, alpha sends what bravo lacks at
    /// the common levels only, and both end up holding the same there.
    @Test func aRoundBetweenProtocol2SitesReconcilesAndConverges() async throws {
        try await SyncLinkChannelTests.withHarness { harness in
            for (id, level) in [("s-1", "SECRET"), ("c-1", "CONFIDENTIAL"), ("u-1", "UNCLASSIFIED")] {
                _ = try harness.alpha.records.put(PutRecordRequest(id: id, type: "note", classification: level, fields: ["n": 1]))
            }
            _ = try harness.bravo.records.put(PutRecordRequest(id: "b-1", type: "note", classification: "CONFIDENTIAL", fields: ["n": 2]))
            let first = try await Self.admitSpeakingProtocol2(&harness)
            let (items, bravo, messages) = try await Self.answerHeads(first, &harness)
            let outcome = try #require(bravo.outcome)
            #expect(!outcome.differences.isEmpty)
            // What bravo must send: its own streams, which alpha holds nothing of.
            let bravoID = TestKeys.verifiedCertificate("bravo/hq").deviceID
            let toSend = items.compare(outcome).ranges
            #expect(!toSend.isEmpty && toSend.allSatisfy { $0.stream.author == bravoID })
            try await harness.send(.deltas(batch: 1, envelopes: try SyncLinkChannelTests.ownEnvelopes(harness.bravo)))

            let alpha = harness.alpha, bravoSite = harness.bravo
            func converged() -> Bool {
                alpha.vector(levels: Self.common).filter { $0.author != bravoID }
                    == bravoSite.vector(levels: Self.common).filter { $0.author != bravoID }
            }
            var acked = false
            while !(acked && converged()) {
                switch try await harness.next() {
                case .deltas(let batch, let envelopes):
                    #expect(try envelopes.allSatisfy { try Self.common.contains(SealedDelta.parse($0).header.level) })
                    let report = try harness.bravo.ingest.ingest(envelopes, from: DeltaSource(name: "alpha/hq", clearance: "SECRET"))
                    #expect(report.refused == 0)
                    try await harness.send(.ack(AckCounts(batch: batch, stored: UInt32(report.stored), duplicate: UInt32(report.duplicate))))
                case .ack(let counts):
                    #expect(counts.batch == 1 && counts.refused == 0)
                    acked = true
                case let other:
                    Issue.record("unexpected \(other.kind) after the reconcile session")
                }
            }
            #expect(harness.alpha.vector(levels: Self.common).contains { $0.author == bravoID })
            #expect(try harness.bravo.records.document(id: "c-1").fields["n"] == 1)
            let link = try #require(harness.peerLink)
            #expect(await eventually { link.snapshot().lacking.values.reduce(0, +) == 0 })
            #expect(SyncChannel.counter(harness.alpha, "cairn_sync_reconcile_sessions_total", "role=\"initiator\"") == 1)
            #expect(SyncChannel.counter(harness.alpha, "cairn_sync_reconcile_failures_total", "reason=") == 0)
            // The opening round is eager and bravo takes whole lists: alpha's few streams went
            // whole in its first message, and bravo's answer ended the session.
            let opening = try ReconcileMessage.decode(first, limits: .default)
            #expect(opening.ranges.count == 1)
            guard case .reply(let listed, [])? = opening.ranges.first?.payload else { throw FixtureError("no whole list") }
            #expect(listed.count == items.set.count + outcome.differences.count(where: { $0.local == nil }) - outcome.differences.count(where: { $0.remote == nil }))
            #expect(messages == 1)
        }
    }

    /// Certificates by reference: alpha holds charlie's certificate, which bravo lacks. The
    /// opening sends that one only (no Certificates frame of everything), and nothing that bravo
    /// already holds.
    @Test func theOpeningSendsOnlyTheCertificatesThePeerLacks() async throws {
        try await SyncLinkChannelTests.withHarness { harness in
            let charlie = TestKeys.verifiedCertificate("charlie/hq")
            try harness.alpha.keys.learn([charlie], from: "test")
            try #require(harness.bravo.certificates(of: [charlie.deviceID]).isEmpty)
            var opening = try await CertificateOpening(harness)
            try await harness.send(.hello(SyncChannel.hello("bravo/hq", features: SyncFrame.features)))
            try await Self.learnHello(&harness)
            try await harness.send(.reconcile(opening.first))
            try await Self.finish(&opening, &harness)
            #expect(opening.receivedDevices == [charlie.deviceID])
            #expect(opening.framesReceived == 1)
            #expect(!harness.bravo.certificates(of: [charlie.deviceID]).isEmpty)
            #expect(SyncChannel.counter(harness.alpha, "cairn_sync_reconcile_sessions_total", "role=\"responder\"") >= 1)
        }
    }

    /// A dialler opens its two sessions together, numbered by one counter, and their first
    /// messages may arrive in either order: a session over certificates numbered below the
    /// stream-heads session that arrived first is answered, not taken for a replay. (Seen in
    /// `make bench`: the opening waited for the 30 s fallback.)
    @Test func sessionsOverTwoSetsMayOpenInEitherOrder() async throws {
        try await SyncLinkChannelTests.withHarness { harness in
            let charlie = TestKeys.verifiedCertificate("charlie/hq")
            try harness.alpha.keys.learn([charlie], from: "test")
            var opening = try await CertificateOpening(harness, session: 1)
            try await harness.send(.hello(SyncChannel.hello("bravo/hq", features: SyncFrame.features)))
            try await Self.learnHello(&harness)
            let heads = try StreamHeadItems(local: harness.bravo.vector(levels: Self.common), levels: Self.common)
            let (_, headsFirst) = try ReconcileSession.initiate(set: heads.set, session: 2, salt: SecureRandom.bytes(16))
            try await harness.send(.reconcile(headsFirst))
            try await harness.send(.reconcile(opening.first))
            try await Self.finish(&opening, &harness)
            #expect(opening.receivedDevices == [charlie.deviceID])
            #expect(SyncChannel.counter(harness.alpha, "cairn_sync_reconcile_failures_total", "reason=") == 0)
        }
    }

    /// The other way: bravo holds charlie's certificate, alpha does not. Alpha sends no
    /// certificate (bravo holds all alpha would pass on) and learns charlie's from bravo.
    @Test func theOpeningTeachesTheAcceptingSideWhatItLacks() async throws {
        try await SyncLinkChannelTests.withHarness { harness in
            let charlie = TestKeys.verifiedCertificate("charlie/hq")
            try harness.bravo.keys.learn([charlie], from: "test")
            try #require(harness.alpha.certificates(of: [charlie.deviceID]).isEmpty)
            _ = try await Self.admitSpeakingProtocol2(&harness)
            let alpha = harness.alpha
            #expect(await eventually { !alpha.certificates(of: [charlie.deviceID]).isEmpty })
        }
    }

    /// A hostile answer to the session over certificates: alpha audits it and falls back to
    /// sending every certificate bravo may have; the connection stays.
    @Test func aFailedCertificateSessionFallsBackToSendingThemAll() async throws {
        try await SyncLinkChannelTests.withHarness { harness in
            _ = try harness.alpha.records.put(PutRecordRequest(id: "c-1", type: "note", classification: "CONFIDENTIAL", fields: ["n": 1]))
            let charlie = TestKeys.verifiedCertificate("charlie/hq")
            try harness.alpha.keys.learn([charlie], from: "test")
            try await harness.send(.hello(SyncChannel.hello("bravo/hq", features: SyncFrame.features)))
            try await Self.learnHello(&harness)
            // Round 2 of a session alpha never answered: out of turn.
            try await harness.send(.reconcile(ReconcileMessage(set: .certificates, session: 7, round: 3, ranges: []).encode()))
            var sent: Set<DeviceID> = []
            while !sent.contains(charlie.deviceID) {
                switch try await harness.next() {
                case .certificates(let certificates):
                    sent.formUnion(try certificates.map { try SignedObject.parse(bytes: $0, kind: .certificate) }.map {
                        try DeviceCertificate.verifyIgnoringTime($0, charter: TestKeys.charter()).deviceID
                    })
                case .reconcile, .summary: continue
                case let other: throw FixtureError("\(other.kind) before the certificates")
                }
            }
            let alpha = harness.alpha
            #expect(
                try await eventually {
                    try alpha.audit.auditEntries(after: 0, limit: 1000).contains {
                        $0.kind == "sync.reconcile_failed" && $0.detail.contains("out_of_turn")
                    }
                })
            #expect(harness.channel.isActive)
        }
    }

    /// A dialler that never opens the session over certificates: alpha sends no delta until
    /// the timeout passes, then sends the certificates all at once, and only then the deltas
    /// bravo lacks. (The testing loop's clock moves only when told.)
    @Test func anUnsettledOpeningTimesOutIntoSendingThemAll() async throws {
        try await SyncLinkChannelTests.withHarness { harness in
            _ = try harness.alpha.records.put(PutRecordRequest(id: "c-1", type: "note", classification: "CONFIDENTIAL", fields: ["n": 1]))
            try await harness.send(.hello(SyncChannel.hello("bravo/hq", features: SyncFrame.features)))
            try await Self.learnHello(&harness)
            guard case .reconcile(let first) = try await harness.next() else { throw FixtureError("no reconcile session") }
            #expect(try ReconcileMessage.decode(first, limits: .default).set == .streamHeads)
            _ = try await Self.answerHeads(first, &harness)
            // The session is over and alpha knows what bravo lacks, but holds it back.
            let link = try #require(harness.peerLink)
            #expect(await eventually { link.snapshot().lacking.values.reduce(0, +) > 0 })
            #expect(try await harness.reader.isQuiet(harness.channel))
            await harness.channel.testingEventLoop.advanceTime(by: .seconds(31))
            guard case .certificates = try await harness.next() else { throw FixtureError("no certificates after the timeout") }
            guard case .deltas = try await harness.next() else { throw FixtureError("no deltas after the certificates") }
            #expect(SyncChannel.counter(harness.alpha, "cairn_sync_reconcile_failures_total", "reason=\"timeout\"") == 1)
        }
    }

    /// A peer whose Hello does not announce protocol 2 gets the whole-vector round, and a
    /// reconcile frame from it is refused: it never agreed to the new kind.
    @Test func aPeerWithoutProtocol2GetsWholeVectors() async throws {
        try await SyncLinkChannelTests.withHarness { harness in
            _ = try harness.alpha.records.put(PutRecordRequest(id: "c-1", type: "note", classification: "CONFIDENTIAL", fields: ["n": 1]))
            let round = try await harness.admit()
            try await harness.send(.vector(round: round, positions: [], reply: false))
            guard case .vector(_, let ours, true) = try await harness.next() else { throw FixtureError("no reply vector") }
            #expect(!ours.isEmpty)
            try await harness.send(.reconcile(ReconcileMessage(set: .streamHeads, session: 1, round: 1, ranges: []).encode()))
            while true {
                let frame = try await harness.next()
                if case .goodbye(let reason, _) = frame {
                    #expect(reason.contains("protocol 2"))
                    break
                }
                #expect(!(frame.kind == "reconcile"), "a reconcile frame to a protocol-1 peer")
            }
            #expect(SyncChannel.counter(harness.alpha, "cairn_sync_connections_refused_total", "reason=\"protocol\"") == 1)
        }
    }

    /// A peer of the release before whole lists (its Hello lacks the bit) is never sent one:
    /// alpha's eager opening lists the tags of its few streams where it would send them whole,
    /// and the session still finds every difference.
    @Test func aPeerWithoutWholeListsIsSentTags() async throws {
        try await SyncLinkChannelTests.withHarness { harness in
            for (id, level) in [("s-1", "SECRET"), ("c-1", "CONFIDENTIAL")] {
                _ = try harness.alpha.records.put(PutRecordRequest(id: id, type: "note", classification: level, fields: ["n": 1]))
            }
            _ = try harness.bravo.records.put(PutRecordRequest(id: "b-1", type: "note", classification: "CONFIDENTIAL", fields: ["n": 2]))
            let first = try await Self.admitSpeakingProtocol2(&harness, features: SyncFrame.features & ~SyncFrame.reconcileListsFeature)
            let opening = try ReconcileMessage.decode(first, limits: .default)
            guard case .items(let tags)? = opening.ranges.first?.payload, opening.ranges.count == 1 else {
                throw FixtureError("not one list of tags: \(opening.ranges)")
            }
            #expect(!tags.isEmpty)
            let (_, bravo, _) = try await Self.answerHeads(first, &harness)
            #expect(bravo.outcome?.differences.isEmpty == false)
        }
    }

    /// The peer never answers alpha's opening (it dropped the session, or the message was
    /// lost): once the session has been open for the idle timeout, alpha ends it, counts it,
    /// and runs a whole-vector round instead; the connection stays.
    @Test func aSessionThePeerStopsAnsweringEndsInAWholeVectorRound() async throws {
        try await SyncLinkChannelTests.withHarness { harness in
            _ = try harness.alpha.records.put(PutRecordRequest(id: "c-1", type: "note", classification: "CONFIDENTIAL", fields: ["n": 1]))
            _ = try await Self.admitSpeakingProtocol2(&harness)
            let link = try #require(harness.peerLink)
            link.checkReconcile(timeout: 3_600)
            // The check runs on the loop: let it (and what it may send) go first.
            try await harness.channel.testingEventLoop.executeInContext {}
            #expect(try await harness.reader.isQuiet(harness.channel), "a session younger than the timeout was ended")
            link.checkReconcile(timeout: 0)
            guard case .summary = try await harness.next() else { throw FixtureError("no whole-vector round after the timeout") }
            #expect(SyncChannel.counter(harness.alpha, "cairn_sync_reconcile_failures_total", "reason=\"timeout\"") == 1)
            #expect(harness.channel.isActive)
        }
    }

    /// The peer answers alpha's opening with a message that only defers (it settles nothing):
    /// the session ends, the peer is audited, and alpha runs a whole-vector round instead; the
    /// connection stays.
    @Test func aHostileReconcileMessageFallsBackToWholeVectorsAndIsAudited() async throws {
        try await SyncLinkChannelTests.withHarness { harness in
            _ = try harness.alpha.records.put(PutRecordRequest(id: "c-1", type: "note", classification: "CONFIDENTIAL", fields: ["n": 1]))
            let first = try ReconcileMessage.decode(try await Self.admitSpeakingProtocol2(&harness), limits: .default)
            // Whatever the opening sent over the whole key space, a fingerprint of it all is a
            // deferral of everything.
            #expect(first.ranges.last?.upper == .infinity)
            let stall = ReconcileMessage(
                set: .streamHeads, session: first.session, round: 2,
                ranges: [ReconcileRange(upper: .infinity, payload: .fingerprint([UInt8](repeating: 7, count: 16)))])
            try await harness.send(.reconcile(stall.encode()))
            guard case .summary = try await harness.next() else { throw FixtureError("no whole-vector round after the failure") }
            let alpha = harness.alpha
            #expect(
                try await eventually {
                    try alpha.audit.auditEntries(after: 0, limit: 1000).contains {
                        $0.kind == "sync.reconcile_failed" && $0.detail.contains("no_progress")
                    }
                })
            #expect(SyncChannel.counter(alpha, "cairn_sync_reconcile_failures_total", "reason=\"no_progress\"") == 1)
            #expect(harness.channel.isActive)
        }
    }
}
