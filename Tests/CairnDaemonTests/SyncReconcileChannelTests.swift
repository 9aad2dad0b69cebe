import CairnControl
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

    /// Says Hello as bravo/hq announcing protocol 2, learns the certificates alpha sends, and
    /// returns the first message of alpha's reconcile session (frames before it must be none of
    /// a whole-vector round).
    static func admitSpeakingProtocol2(_ harness: inout Harness) async throws -> [UInt8] {
        try await harness.send(.hello(SyncChannel.hello("bravo/hq", features: SyncFrame.features)))
        guard case .hello = try await harness.next() else { throw FixtureError("no Hello back") }
        while true {
            switch try await harness.next() {
            case .certificates(let certificates):
                let devices = try certificates.map {
                    try DeviceCertificate.verifyIgnoringTime(try SignedObject.parse(bytes: $0, kind: .certificate), charter: TestKeys.charter())
                }
                try harness.bravo.keys.learn(devices, from: "test")
            case .reconcile(let bytes):
                return bytes
            case let other:
                throw FixtureError("\(other.kind) before the reconcile session")
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
            var incoming = try await Self.admitSpeakingProtocol2(&harness)
            let items = try StreamHeadItems(local: harness.bravo.vector(levels: Self.common), levels: Self.common)
            var bravo = ReconcileSession(responding: items.set)
            var messages = 1
            while true {
                let output = try bravo.receive(incoming)
                if let reply = output.reply { try await harness.send(.reconcile(reply)) }
                if output.finished { break }
                guard case .reconcile(let next) = try await harness.next() else { throw FixtureError("not a reconcile message") }
                incoming = next
                messages += 1
            }
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
            #expect(messages >= 2)
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
                if case .goodbye(let reason) = frame {
                    #expect(reason.contains("protocol 2"))
                    break
                }
                #expect(!(frame.kind == "reconcile"), "a reconcile frame to a protocol-1 peer")
            }
            #expect(SyncChannel.counter(harness.alpha, "cairn_sync_connections_refused_total", "reason=\"protocol\"") == 1)
        }
    }

    /// The peer answers alpha's opening with a message that only defers (it settles nothing):
    /// the session ends, the peer is audited, and alpha runs a whole-vector round instead; the
    /// connection stays.
    @Test func aHostileReconcileMessageFallsBackToWholeVectorsAndIsAudited() async throws {
        try await SyncLinkChannelTests.withHarness { harness in
            _ = try harness.alpha.records.put(PutRecordRequest(id: "c-1", type: "note", classification: "CONFIDENTIAL", fields: ["n": 1]))
            let first = try ReconcileMessage.decode(try await Self.admitSpeakingProtocol2(&harness), limits: .default)
            guard case .fingerprint(let fingerprint)? = first.ranges.first?.payload else { throw FixtureError("no opening fingerprint") }
            let stall = ReconcileMessage(
                set: .streamHeads, session: first.session, round: 2,
                ranges: [ReconcileRange(upper: .infinity, payload: .fingerprint(fingerprint.map { $0 ^ 0xFF }))])
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
