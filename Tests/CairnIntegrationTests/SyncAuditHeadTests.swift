import CairnControl
import CairnProtocol
import CairnTestSupport
import Foundation
import Testing

extension IntegrationSuite {
    /// Peers witness each other's audit heads: a site restored from an old copy of both its store
    /// and its anchor learns from a peer how far its log once reached, and a peer that sends a
    /// forged head, or another device's, is refused and audited.
    @Suite(.serialized, .timeLimit(.minutes(3)))
    struct SyncAuditHeadTests {
        private static func copy(_ from: String, to: String) throws {
            let result = try ProcessRunner.run("/bin/cp", ["-a", from, to])
            guard result.status == 0 else { throw TestFailure("cp -a \(from) \(to): \(result.stderr)") }
        }

        @Test func aSiteRestoredFromAnOldCopyLearnsItsGapFromAPeer() throws {
            let federation = try Federation(devices: ["alpha/hq", "bravo/hq"])
            defer { federation.shutdown() }
            let alpha = federation.member("alpha/hq")
            let bravo = federation.member("bravo/hq")
            try federation.waitUntilConnected()

            // An old copy of bravo's state directory: store and anchor together, as a backup is.
            try federation.stop("bravo/hq")
            let backup = bravo.site.path + "/state-backup"
            try Self.copy(bravo.site.state, to: backup)
            try federation.start("bravo/hq")
            try federation.waitUntilConnected()
            // Bravo's log moves on (each peer change is audited), and alpha witnesses it:
            // bravo (CONFIDENTIAL) sends its head to alpha (SECRET, cleared for all of it).
            for n in 0..<3 {
                _ = try bravo.client.addPeer(AddPeerRequest(name: "spare-\(n)", address: "127.0.0.1:9"))
                try bravo.client.removePeer(named: "spare-\(n)")
            }
            var witnessed: Int64 = 0
            try FederationWait.until("alpha holds bravo's newest head", timeout: 30, interval: 0.5) {
                guard let audit = try bravo.client.status().audit else { return "bravo's status has no audit section" }
                witnessed = audit.witnessedBy.first { $0.peer == "alpha/hq" }?.seq ?? 0
                return witnessed == audit.headSeq ? nil : "alpha holds \(witnessed) of \(audit.headSeq)"
            }

            // Lost both: the old copy comes back, consistent with itself.
            try federation.stop("bravo/hq")
            try FileManager.default.removeItem(atPath: bravo.site.state)
            try FileManager.default.moveItem(atPath: backup, toPath: bravo.site.state)
            try federation.start("bravo/hq")
            try FederationWait.until("bravo records the gap alpha shows it", timeout: 30, interval: 0.5) {
                let breaks = try bravo.client.verifyAudit().breaks
                return breaks.isEmpty ? "no break yet" : nil
            }
            let verdict = try bravo.client.verifyAudit()
            #expect(!verdict.ok)
            let found = try #require(verdict.breaks.first)
            #expect(verdict.breaks.count == 1, "\(verdict.breaks)")
            #expect(found.source == "peer:alpha/hq" && found.expectedSeq == witnessed, "\(found)")
            #expect(found.foundSeq < witnessed)
            let cli = try ProcessRunner.run(Binaries.cairn, ["audit", "verify", "--socket", bravo.site.socket])
            #expect(cli.status == 1 && cli.stdout.contains("peer:alpha/hq"), "\(cli.stdout)")
            #expect(try bravo.client.status().store.problems.contains { $0.contains("unacknowledged chain break") })
            #expect(try bravo.client.metrics().contains("cairn_audit_chain_breaks 1.0"))
            #expect(try bravo.client.metrics().contains("cairn_audit_chain_breaks_recorded_total{source=\"peer\"} 1"))
            // Alpha's own log is untouched by any of this.
            #expect(try alpha.client.verifyAudit().ok)
        }

        @Test(arguments: ["another device's head", "a bad signature", "a forged copy of ours"])
        func aForgedHeadIsRefusedAndAudited(_ forgery: String) throws {
            let federation = try Federation(devices: ["alpha/hq"])
            defer { federation.shutdown() }
            let alpha = federation.member("alpha/hq")
            let bravo = try SyncHostilePeerTests.connectInSync(as: .fixture("bravo/hq"), to: alpha)
            defer { bravo.close() }
            let baseline = try #require(try alpha.client.auditEntries().last).seq
            let hash = [UInt8](repeating: 0x5a, count: 32)
            let frame: SyncFrame
            switch forgery {
            case "another device's head":
                // charlie/hq's genuine head, passed off by bravo as its own.
                frame = .auditHeads(own: try AuditHead.sign(seq: 9, hash: hash, signedAt: 1, keys: TestKeys.device("charlie/hq")), yours: nil)
            case "a bad signature":
                let genuine = try AuditHead.sign(seq: 9, hash: hash, signedAt: 1, keys: bravo.identity.keys)
                frame = .auditHeads(
                    own: try AuditHead(device: genuine.device, seq: 10, hash: hash, signedAt: 1, signature: genuine.signature), yours: nil)
            default:
                // A "copy of alpha's head" far ahead of its log, signed by bravo.
                let signed = try AuditHead.sign(seq: 1_000_000, hash: hash, signedAt: 1, keys: bravo.identity.keys)
                frame = .auditHeads(
                    own: nil, yours: try AuditHead(device: TestKeys.device("alpha/hq").deviceID, seq: 1_000_000, hash: hash, signedAt: 1, signature: signed.signature))
            }
            bravo.send(frame)
            let closed = try bravo.waitUntilClosed(timeout: 10)
            #expect(closed.goodbye?.contains("audit head") == true, "goodbye: \(closed.goodbye ?? "none")")
            try SyncHostilePeerLiesTests.expectAudit(alpha, after: baseline, "sync.peer_refused", reason: "bad_audit_head")
            #expect(try alpha.client.metrics().contains("cairn_sync_connections_refused_total{reason=\"bad_audit_head\"} 1"))
            // Nothing of it counts: no break, alpha's log verifies.
            #expect(try alpha.client.verifyAudit().ok)
            try SyncHostilePeerTests.checkStillServing(alpha)
        }
    }
}
