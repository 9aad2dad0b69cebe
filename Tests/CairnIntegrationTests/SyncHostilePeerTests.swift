import CairnControl
import CairnProtocol
import Foundation
import Testing

extension IntegrationSuite {
    /// What a hostile peer can try against a real daemon, one attack per case. Each is refused,
    /// stores nothing, leaves an audit entry where the daemon can tell who it was, and leaves the
    /// daemon serving its control API and honest peers.
    @Suite(.timeLimit(.minutes(3)))
    struct SyncHostilePeerTests {
        enum Attack: String, CaseIterable, CustomTestStringConvertible, Sendable {
            case forgedSignature, replayedDelta, tamperedCiphertext, aboveOwnClearance
            case unknownCertificate, expiredCertificate, stolenCertificate
            case tls12Client, silentClient, oversizedFrame

            var testDescription: String { rawValue }
        }

        /// What the attack should leave in the audit log: entry kind (empty: any kind) and reason code.
        static func expectedAudit(_ attack: Attack) -> [(kind: String, reason: String)] {
            switch attack {
            case .forgedSignature, .tamperedCiphertext:
                return [("sync.delta_refused", "bad_signature"), ("sync.peer_refused", "hostile_deltas")]
            case .aboveOwnClearance:
                return [("sync.delta_refused", "above_sender_clearance"), ("sync.peer_refused", "hostile_deltas")]
            case .unknownCertificate: return [("sync.peer_refused", "certificate_invalid")]
            case .expiredCertificate: return [("sync.peer_refused", "certificate_expired")]
            case .stolenCertificate: return [("sync.peer_refused", "tls_key_mismatch")]
            case .silentClient: return [("sync.handshake_failed", "handshake_timeout")]
            case .tls12Client: return [("sync.handshake_failed", "protocol_version")]
            // Rejected input from an admitted peer, like a malformed frame (audited as
            // sync.peer_refused malformed_frame); the kind is left to the daemon.
            case .oversizedFrame: return [("", "frame_too_large")]
            case .replayedDelta: return []
            }
        }

        // One attack at a time: ten daemons starting at once (with the rest of the suite) starved
        // the two CI cores enough for a control request to miss its deadline.
        @Test(.serialized, arguments: Attack.allCases)
        func hostilePeerIsRefusedAndNothingIsStored(_ attack: Attack) throws {
            if attack == .tls12Client, !FileManager.default.isExecutableFile(atPath: "/usr/bin/openssl") { return }
            let federation = try Federation(devices: ["alpha/hq"], options: .init(handshakeTimeoutSeconds: 2))
            defer { federation.shutdown() }
            let alpha = federation.member("alpha/hq")
            for (n, level) in ["SECRET", "CONFIDENTIAL", "RESTRICTED", "UNCLASSIFIED"].enumerated() {
                _ = try alpha.client.putRecord(
                    PutRecordRequest(id: "before-\(n)", type: "note", classification: level, fields: ["n": .int(Int64(n))]))
            }
            // Attacks made as bravo/hq follow an honest start on the same connection: bravo is
            // admitted, learnt (and granted keys) and in sync before the baseline is taken.
            let asBravo: Set<Attack> = [
                .forgedSignature, .replayedDelta, .tamperedCiphertext, .aboveOwnClearance, .oversizedFrame,
            ]
            let bravo = asBravo.contains(attack) ? try Self.connectInSync(as: .fixture("bravo/hq"), to: alpha) : nil
            defer { bravo?.close() }
            let baseline = try Baseline(alpha)

            do {
                try Self.run(attack, against: alpha, bravo: bravo)
            } catch {
                Issue.record("\(attack): \(error)\n\(federation.logs())")
                return
            }

            // Audited, with the reason.
            for (kind, reason) in Self.expectedAudit(attack) {
                do {
                    try FederationWait.until("audit entry \(kind) \(reason)", timeout: 5) {
                        let entries = try alpha.client.auditEntries(after: baseline.auditSeq)
                        let found = entries.contains {
                            (kind.isEmpty || $0.kind == kind) && $0.detail.contains("\"reason\":\"\(reason)\"")
                        }
                        return found ? nil : "entries since the attack: \(entries.map { "\($0.kind) \($0.detail)" })"
                    }
                } catch {
                    let log = (try? String(contentsOfFile: alpha.site.log, encoding: .utf8)) ?? ""
                    let lines = log.split(separator: "\n").filter { $0.contains("msg=sync.") }.suffix(10)
                    Issue.record("\(attack): \(error)\nalpha/hq's sync log:\n\(lines.joined(separator: "\n"))")
                }
            }
            // Nothing stored, nothing changed.
            #expect(try Baseline(alpha).holdings == baseline.holdings, "\(attack) changed what alpha/hq holds")
            // Still serving: the control API and an honest peer, which gets a write made now.
            try Self.checkStillServing(alpha)
        }

        // MARK: The attacks

        static func run(_ attack: Attack, against alpha: Federation.Member, bravo: TestPeer?) throws {
            let bravoIdentity = TestPeerIdentity.fixture("bravo/hq")
            switch attack {
            case .forgedSignature, .tamperedCiphertext, .aboveOwnClearance:
                let peer = try #require(bravo)
                let level = attack == .aboveOwnClearance ? "SECRET" : "RESTRICTED"
                let delta = try TestPeerDeltas.seal(
                    by: bravoIdentity, level: level, sequence: 1, previous: [], record: "hostile-1")
                let envelope: [UInt8]
                switch attack {
                case .forgedSignature: envelope = TestPeerDeltas.forged(delta)
                case .tamperedCiphertext: envelope = TestPeerDeltas.tampered(delta)
                default: envelope = delta.envelope
                }
                let ack = try peer.sendDeltas(batch: 1, [envelope])
                #expect(ack.refused == 1 && ack.stored == 0 && ack.pending == 0, "\(attack): \(ack)")
                let closed = try peer.waitUntilClosed(timeout: 5)
                #expect(closed.goodbye?.contains("refused") == true, "\(attack): goodbye \(closed.goodbye ?? "none")")

            case .replayedDelta:
                let peer = try #require(bravo)
                let held = peer.snapshot.replica.stored
                let replayed = try #require(held.last { (try? SealedDelta.parse($0))?.header.kind == .records })
                let ack = try peer.sendDeltas(batch: 1, [replayed, held[0]])
                #expect(ack.duplicate == 2 && ack.stored == 0 && ack.refused == 0, "replay: \(ack)")
                // A replay is not hostile (the same delta may come from several peers): the
                // connection stays, and a round with it still completes.
                let result = try alpha.client.sync(SyncRequest(peer: "bravo/hq", wait: true))
                #expect(result.rounds.map(\.completed) == [true])
                #expect(!peer.snapshot.closed)
                let refusals = try alpha.client.auditEntries().filter {
                    $0.kind.hasPrefix("sync.") && $0.kind.hasSuffix("refused")
                }
                #expect(refusals.isEmpty, "a replay was audited as a refusal: \(refusals.map(\.detail))")

            case .unknownCertificate, .expiredCertificate, .stolenCertificate:
                let identity: TestPeerIdentity
                switch attack {
                case .unknownCertificate: identity = try .certifiedByRogueRoot()
                case .expiredCertificate: identity = try .expired()
                default: identity = .stolenCertificate(of: "bravo/hq")
                }
                let peer = try TestPeer.connect(port: alpha.port, as: identity)
                defer { peer.close() }
                let closed = try peer.waitUntilClosed(timeout: 5)
                #expect(closed.handshake != nil, "\(attack): TLS itself should succeed; the Hello is what is refused")
                #expect(!closed.admitted, "\(attack): the peer was admitted")
                #expect(closed.goodbye != nil, "\(attack): closed without a Goodbye")

            case .tls12Client:
                let result = try ProcessRunner.run(
                    "/usr/bin/openssl", ["s_client", "-tls1_2", "-connect", "127.0.0.1:\(alpha.port)"], stdin: "",
                    timeout: 15)
                #expect(result.status != 0, "openssl s_client -tls1_2 succeeded:\n\(result.stdout)")
                // s_client prints a session summary even for a failed handshake: no cipher in it.
                #expect(result.stdout.contains("Cipher is (NONE)"), "\(result.stdout)\n\(result.stderr)")

            case .silentClient:
                let lasted = try TestPeer.silentConnection(port: alpha.port, limit: 10)
                let seconds = try #require(lasted, "a silent client was still connected after 10 s")
                #expect(seconds >= 1.5 && seconds < 6, "closed after \(seconds) s; handshake_timeout_seconds is 2")

            case .oversizedFrame:
                let peer = try #require(bravo)
                peer.sendUnframed([0xFF, 0xFF, 0xFF, 0xF0])
                try peer.waitUntilClosed(timeout: 5)
                try FederationWait.until("the oversized frame logged", timeout: 5) {
                    let log = (try? String(contentsOfFile: alpha.site.log, encoding: .utf8)) ?? ""
                    return log.contains("msg=sync.connection_error") && log.contains("4294967280")
                        ? nil : "no sync.connection_error naming the length"
                }
            }
        }

        // MARK: Helpers

        /// What a site holds, as seen through its API, and where its audit log ends.
        struct Baseline {
            struct Holdings: Equatable {
                var deltas: [String: Int]
                var records: [RecordDocument]
            }

            let holdings: Holdings
            let auditSeq: Int64

            init(_ member: Federation.Member) throws {
                let status = try member.client.status()
                holdings = Holdings(
                    deltas: Dictionary(uniqueKeysWithValues: status.levels.map { ($0.name, $0.deltas) }),
                    records: try member.client.listRecords(deleted: .include))
                auditSeq = try member.client.auditEntries().last?.seq ?? 0
            }
        }

        /// A test peer as `identity`, admitted and holding everything the daemon may send it.
        static func connectInSync(as identity: TestPeerIdentity, to member: Federation.Member) throws -> TestPeer {
            let peer = try TestPeer.connect(port: member.port, as: identity)
            do {
                try peer.waitUntilAdmitted()
                let result = try member.client.sync(SyncRequest(peer: identity.ref, wait: true))
                guard result.rounds.map(\.completed) == [true] else {
                    throw TestFailure("round with \(identity.ref): \(result)")
                }
                let common = Federation.levels.filter { Federation.isCleared(identity.clearance, for: $0) }
                try FederationWait.until("\(identity.ref) in sync", timeout: 10) {
                    let status = try member.client.status()
                    let received = Dictionary(
                        grouping: peer.snapshot.replica.stored.compactMap { try? SealedDelta.parse($0) }, by: \.header.level
                    )
                    for level in common {
                        let held = status.levels.first { $0.name == level }?.deltas
                        // A level the daemon holds nothing of (no key minted yet) is in sync empty.
                        if received[level]?.count ?? 0 != held ?? 0 {
                            return "\(level): \(received[level]?.count ?? 0) of \(held ?? 0) received"
                        }
                    }
                    return nil
                }
            } catch {
                peer.close()
                throw error
            }
            return peer
        }

        /// The daemon still answers its API and admits an honest peer (charlie/hq, another device
        /// than any attacker), which receives a RESTRICTED record written now.
        static func checkStillServing(_ alpha: Federation.Member) throws {
            _ = try alpha.client.status()
            let honest = try connectInSync(as: .fixture("charlie/hq"), to: alpha)
            defer { honest.close() }
            let before = honest.snapshot.replica.stored.count
            _ = try alpha.client.putRecord(
                PutRecordRequest(id: "after-attack", type: "note", classification: "RESTRICTED", fields: ["ok": true]))
            try honest.wait("the write made after the attack", timeout: 10) { snapshot in
                snapshot.replica.stored[before...].contains { (try? SealedDelta.parse($0))?.header.level == "RESTRICTED" }
            }
        }
    }
}
