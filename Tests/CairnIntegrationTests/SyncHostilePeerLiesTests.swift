import CairnControl
import CairnCrypto
import CairnProtocol
import CairnTestSupport
import CairnTrust
import Foundation
import Testing

extension IntegrationSuite {
    /// A peer with a valid certificate that lies about deltas: who wrote them, what its own
    /// stream holds, and which keys are current. Each lie is refused (nothing of it is applied),
    /// audited with its reason, and the daemon goes on serving honest peers.
    @Suite(.serialized, .timeLimit(.minutes(2)))
    struct SyncHostilePeerLiesTests {
        typealias Hostile = SyncHostilePeerTests

        /// A delta whose header names another real device (alpha/laptop, whose certificate the
        /// sender passes on first, as a relay does) as author but that the sender (bravo/hq)
        /// signed: refused as a bad signature, and the sender is cut off.
        @Test func aDeltaPassedOffAsAnotherDevicesIsRefused() throws {
            let federation = try Federation(devices: ["alpha/hq"])
            defer { federation.shutdown() }
            let alpha = federation.member("alpha/hq")
            let bravo = try Hostile.connectInSync(as: .fixture("bravo/hq"), to: alpha)
            defer { bravo.close() }
            // Learning the laptop makes alpha/hq grant it keys: the baseline follows that.
            bravo.send(.certificates([TestPeerIdentity.fixture("alpha/laptop").certificate]))
            try FederationWait.until("alpha/hq learnt alpha/laptop", timeout: 5) {
                try alpha.client.devices().contains { $0.device == "alpha/laptop" } ? nil : "not yet"
            }
            let baseline = try Hostile.Baseline(alpha)

            let envelope = try TestPeerDeltas.impersonating(
                .fixture("alpha/laptop"), signedBy: bravo.identity, level: "RESTRICTED", record: "impersonated")
            let ack = try bravo.sendDeltas(batch: 1, [envelope])
            #expect(ack.refused == 1 && ack.stored == 0 && ack.pending == 0, "\(ack)")
            let closed = try bravo.waitUntilClosed(timeout: 5)
            #expect(closed.goodbye?.contains("bad_signature") == true, "goodbye: \(closed.goodbye ?? "none")")
            try Self.expectAudit(alpha, after: baseline.auditSeq, "sync.delta_refused", reason: "bad_signature")
            try Self.expectAudit(alpha, after: baseline.auditSeq, "sync.peer_refused", reason: "hostile_deltas")
            #expect(try Hostile.Baseline(alpha).holdings == baseline.holdings)
            try Hostile.checkStillServing(alpha)
        }

        /// A delta signed by a device outside the federation (certified by a root that is not in
        /// the charter), with its certificate sent first: the certificate is not learnt, the
        /// delta is refused for its unknown author. A relay may honestly carry such a delta (it
        /// cannot check authors it does not know either), so the link stays up.
        @Test func aDeltaByADeviceOutsideTheCharterIsRefused() throws {
            let federation = try Federation(devices: ["alpha/hq"])
            defer { federation.shutdown() }
            let alpha = federation.member("alpha/hq")
            let bravo = try Hostile.connectInSync(as: .fixture("bravo/hq"), to: alpha)
            defer { bravo.close() }
            let baseline = try Hostile.Baseline(alpha)
            let devicesBefore = try alpha.client.devices().count

            let outsider = try TestPeerIdentity.certifiedByRogueRoot()
            bravo.send(.certificates([outsider.certificate]))
            let delta = try TestPeerDeltas.seal(by: outsider, level: "RESTRICTED", sequence: 1, previous: [], record: "outsider")
            let ack = try bravo.sendDeltas(batch: 1, [delta.envelope])
            #expect(ack.refused == 1 && ack.stored == 0 && ack.pending == 0, "\(ack)")
            try Self.expectAudit(alpha, after: baseline.auditSeq, "sync.delta_refused", reason: "unknown_author")
            #expect(try alpha.client.devices().count == devicesBefore, "the outsider's certificate was learnt")
            #expect(try alpha.client.metrics().contains("cairn_sync_certificates_refused_total 1"))
            #expect(!bravo.snapshot.closed, "a relayed delta of an unknown author is not a reason to cut the relay off")
            #expect(try Hostile.Baseline(alpha).holdings == baseline.holdings)
            try Hostile.checkStillServing(alpha)
        }

        /// Two different deltas at position 1 of the peer's own RESTRICTED stream: the first is
        /// stored and applied, the second is refused, kept in quarantine as evidence, and
        /// audited as an equivocation naming the stream and position.
        @Test func anEquivocatingPeerKeepsItsFirstDeltaOnly() throws {
            let federation = try Federation(devices: ["alpha/hq"])
            defer { federation.shutdown() }
            let alpha = federation.member("alpha/hq")
            // Alpha mints a RESTRICTED key on its first write there; bravo is granted it.
            _ = try alpha.client.putRecord(PutRecordRequest(id: "r-alpha", type: "note", classification: "RESTRICTED", fields: ["v": 1]))
            let bravo = try Hostile.connectInSync(as: .fixture("bravo/hq"), to: alpha)
            defer { bravo.close() }
            let baseline = try Hostile.Baseline(alpha)
            let (epoch, key) = try bravo.currentKey("RESTRICTED")

            let first = try TestPeerDeltas.seal(
                by: bravo.identity, level: "RESTRICTED", sequence: 1, previous: [], record: "equivocation-first", key: key,
                epoch: epoch)
            let second = try TestPeerDeltas.seal(
                by: bravo.identity, level: "RESTRICTED", sequence: 1, previous: [], record: "equivocation-second", key: key,
                epoch: epoch)
            let stored = try bravo.sendDeltas(batch: 1, [first.envelope])
            #expect(stored.stored == 1 && stored.refused == 0, "first: \(stored)")
            let refused = try bravo.sendDeltas(batch: 2, [second.envelope])
            #expect(refused.refused == 1 && refused.stored == 0, "second: \(refused)")

            try Self.expectAudit(alpha, after: baseline.auditSeq, "sync.delta_refused", reason: "equivocation")
            // Two histories of its own stream prove the sender hostile: it is cut off.
            try Self.expectAudit(alpha, after: baseline.auditSeq, "sync.peer_refused", reason: "hostile_deltas")
            _ = try bravo.waitUntilClosed()
            let equivocation = try #require(
                try alpha.client.auditEntries(after: baseline.auditSeq).first { $0.kind == "sync.equivocation" })
            #expect(equivocation.actor == "peer:bravo/hq")
            #expect(
                equivocation.detail.contains("\"author\":\"bravo/hq\"") && equivocation.detail.contains("\"level\":\"RESTRICTED\"")
                    && equivocation.detail.contains("\"sequence\":\"1\""), "\(equivocation.detail)")
            let status = try alpha.client.status()
            #expect(status.store.quarantinedDeltas == 1, "evidence kept: \(status.store)")
            let restricted = status.levels.first { $0.name == "RESTRICTED" }?.deltas
            #expect(restricted == (baseline.holdings.deltas["RESTRICTED"] ?? 0) + 1)
            #expect(try alpha.client.getRecord(id: "equivocation-first").type == "probe")
            #expect(throws: ControlClientError.self) { try alpha.client.getRecord(id: "equivocation-second") }
            try Hostile.checkStillServing(alpha)
        }

        // MARK: Helpers

        /// Waits until `member` audited `kind` with `reason` after `seq`.
        static func expectAudit(
            _ member: Federation.Member, after seq: Int64, _ kind: String, reason: String, timeout: TimeInterval = 5
        ) throws {
            try FederationWait.until("audit entry \(kind) \(reason)", timeout: timeout) {
                let entries = try member.client.auditEntries(after: seq)
                let found = entries.contains { $0.kind == kind && $0.detail.contains("\"reason\":\"\(reason)\"") }
                return found ? nil : "entries: \(entries.map { "\($0.kind) \($0.detail)" })"
            }
        }
    }
}
