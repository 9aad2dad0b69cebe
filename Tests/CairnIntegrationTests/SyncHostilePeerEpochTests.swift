import CairnControl
import CairnCrypto
import CairnModel
import CairnProtocol
import CairnTestSupport
import CairnTrust
import Foundation
import Testing

extension IntegrationSuite {
    /// Old epochs after a revocation: alpha/laptop held every key of alpha/hq, is revoked, and
    /// alpha/hq rotates. A peer in good standing (bravo/hq) then relays what only the laptop
    /// could have made, or offers keys of its own choosing. What alpha/hq writes afterwards must
    /// stay sealed under the epoch the laptop never held.
    @Suite(.serialized, .timeLimit(.minutes(2)))
    struct SyncHostilePeerEpochTests {
        typealias Hostile = SyncHostilePeerTests

        /// The setting: alpha/hq with a CONFIDENTIAL record, the laptop in sync then revoked (a
        /// minute ago), the keys rotated, and bravo/hq connected in sync after the rotation.
        struct Rotated {
            let federation: Federation
            let alpha: Federation.Member
            let laptop: TestPeerIdentity
            /// The CONFIDENTIAL key the laptop was granted before its revocation.
            let laptopKey: (epoch: EpochRef, key: XChaCha20Poly1305.Key)
            let revokedAt: Int64
            let rotated: KeysDocument.Epoch

            init() throws {
                federation = try Federation(devices: ["alpha/hq"])
                do {
                    alpha = federation.member("alpha/hq")
                    _ = try alpha.client.putRecord(
                        PutRecordRequest(id: "c-before", type: "note", classification: "CONFIDENTIAL", fields: ["v": 1]))
                    laptop = .fixture("alpha/laptop")
                    let peer = try Hostile.connectInSync(as: laptop, to: alpha)
                    laptopKey = try peer.currentKey("CONFIDENTIAL")
                    peer.close()
                    revokedAt = Int64(Date().timeIntervalSince1970) - 60
                    let revocation = try Revocation.issue(
                        certificate: TestKeys.verifiedCertificate("alpha/laptop"), agencyKey: TestKeys.agency("alpha"),
                        charter: TestKeys.charter(), effectiveAt: revokedAt, reason: "laptop lost")
                    let outcome = try alpha.client.revoke(SignedObjectRequest(bytes: revocation.serialized()))
                    guard outcome.rotated.contains("CONFIDENTIAL") else {
                        throw TestFailure("the revocation rotated \(outcome.rotated), not CONFIDENTIAL")
                    }
                    rotated = try Self.current(alpha, "CONFIDENTIAL")
                    guard rotated.number > laptopKey.epoch.number else {
                        throw TestFailure("current epoch \(rotated.number) after rotation from \(laptopKey.epoch.number)")
                    }
                } catch {
                    federation.shutdown()
                    throw error
                }
            }

            static func current(_ member: Federation.Member, _ level: String) throws -> KeysDocument.Epoch {
                let keys = try member.client.keys()
                guard let epoch = keys.levels.first(where: { $0.name == level })?.epochs.first(where: \.current) else {
                    throw TestFailure("\(member.device) has no current \(level) epoch: \(keys)")
                }
                return epoch
            }
        }

        /// A delta the revoked laptop wrote after its revocation (sealed under the old epoch it
        /// holds), relayed by bravo/hq: refused as by a revoked author, audited, nothing applied.
        /// The relay is not cut off: it may not know of the revocation yet.
        @Test func aRevokedDevicesLaterDeltaIsRefused() throws {
            let setting = try Rotated()
            defer { setting.federation.shutdown() }
            let alpha = setting.alpha
            let bravo = try Hostile.connectInSync(as: .fixture("bravo/hq"), to: alpha)
            defer { bravo.close() }
            let baseline = try Hostile.Baseline(alpha)

            let late = try TestPeerDeltas.seal(
                by: setting.laptop, level: "CONFIDENTIAL", record: "after-revocation",
                writtenAt: Int64(Date().timeIntervalSince1970), epoch: setting.laptopKey.epoch, key: setting.laptopKey.key)
            let ack = try bravo.sendDeltas(batch: 1, [late.envelope])
            #expect(ack.refused == 1 && ack.stored == 0 && ack.pending == 0, "\(ack)")
            try SyncHostilePeerLiesTests.expectAudit(alpha, after: baseline.auditSeq, "sync.delta_refused", reason: "author_revoked")
            #expect(throws: ControlClientError.self) { try alpha.client.getRecord(id: "after-revocation") }
            #expect(try Hostile.Baseline(alpha).holdings == baseline.holdings)
            #expect(!bravo.snapshot.closed)
            try Hostile.checkStillServing(alpha)
        }

        /// bravo/hq, in good standing, grants alpha/hq a CONFIDENTIAL key of its own under the
        /// old epoch number: alpha keeps writing under the rotated epoch, which the laptop never
        /// held (a record written now reaches bravo sealed under it).
        @Test func anOldEpochNumberDoesNotBecomeCurrentAgain() throws {
            let setting = try Rotated()
            defer { setting.federation.shutdown() }
            let alpha = setting.alpha
            let bravo = try Hostile.connectInSync(as: .fixture("bravo/hq"), to: alpha)
            defer { bravo.close() }

            let old = try EpochRef(number: setting.laptopKey.epoch.number, keyID: Array(repeating: 0xFF, count: EpochRef.keyIDLength))
            let grant = try TestPeerDeltas.grant(
                by: bravo.identity, to: .fixture("alpha/hq"), level: "CONFIDENTIAL", epoch: old, key: XChaCha20Poly1305.Key(),
                writtenAt: Int64(Date().timeIntervalSince1970))
            let ack = try bravo.sendDeltas(batch: 1, [grant.envelope])
            #expect(ack.stored == 1, "\(ack)")
            let current = try Rotated.current(alpha, "CONFIDENTIAL")
            #expect(current.number == setting.rotated.number && current.keyId == setting.rotated.keyId, "current: \(current)")
            try Self.expectWritesUnder(setting.rotated, alpha: alpha, observer: bravo)
        }

        /// Writes a CONFIDENTIAL record at alpha/hq and checks the delta `observer` receives is
        /// sealed under `epoch`.
        /// A grant the revoked laptop signed before its revocation, relayed by bravo, planting a
        /// key the laptop chose under a high epoch number: stored (it is part of a stream), but
        /// the key is known to its author, so it is rotated away at once and never written with.
        /// (Before the fix alpha made epoch 99 current and sealed new records under the laptop's key.)
        @Test func aKeyPlantedByARevokedDeviceIsRotatedAway() throws {
            let setting = try Rotated()
            defer { setting.federation.shutdown() }
            let alpha = setting.alpha
            let bravo = try Hostile.connectInSync(as: .fixture("bravo/hq"), to: alpha)
            defer { bravo.close() }

            let planted = try EpochRef(number: 99, keyID: Array(repeating: 0xAB, count: EpochRef.keyIDLength))
            let grant = try TestPeerDeltas.grant(
                by: setting.laptop, to: .fixture("alpha/hq"), level: "CONFIDENTIAL", epoch: planted, key: XChaCha20Poly1305.Key(),
                writtenAt: setting.revokedAt - 60)
            let ack = try bravo.sendDeltas(batch: 1, [grant.envelope])
            #expect(ack.stored == 1, "\(ack)")
            let current = try Rotated.current(alpha, "CONFIDENTIAL")
            #expect(current.number > 99 && current.keyId != Hex.encode(planted.keyID), "current: \(current)")
            let keys = try alpha.client.keys()
            let plantedEpoch = keys.levels.first { $0.name == "CONFIDENTIAL" }?.epochs.first { $0.number == 99 }
            let holders: [String] = plantedEpoch?.holders ?? []
            #expect(holders.contains("alpha/laptop"), "the planted key's author should be listed as holding it: \(holders)")
            try Self.expectWritesUnder(current, alpha: alpha, observer: bravo)
        }

        /// A member granting epoch number UInt32.max would leave no number to rotate to: such a
        /// key is refused (audited), the current epoch stays.
        @Test func anEpochNumberLeavingNoRoomToRotateIsNotAdopted() throws {
            let setting = try Rotated()
            defer { setting.federation.shutdown() }
            let alpha = setting.alpha
            let bravo = try Hostile.connectInSync(as: .fixture("bravo/hq"), to: alpha)
            defer { bravo.close() }

            let top = try EpochRef(number: UInt32.max, keyID: Array(repeating: 0xCD, count: EpochRef.keyIDLength))
            let grant = try TestPeerDeltas.grant(
                by: bravo.identity, to: .fixture("alpha/hq"), level: "CONFIDENTIAL", epoch: top, key: XChaCha20Poly1305.Key(),
                writtenAt: Int64(Date().timeIntervalSince1970))
            let ack = try bravo.sendDeltas(batch: 1, [grant.envelope])
            #expect(ack.stored == 1, "\(ack)")
            let current = try Rotated.current(alpha, "CONFIDENTIAL")
            #expect(current.number == setting.rotated.number && current.keyId == setting.rotated.keyId, "current: \(current)")
            #expect(try alpha.client.auditEntries().contains { $0.kind == "keys.grant_refused" && $0.detail.contains("epoch_out_of_range") })
            try Self.expectWritesUnder(setting.rotated, alpha: alpha, observer: bravo)
        }

        static func expectWritesUnder(_ epoch: KeysDocument.Epoch, alpha: Federation.Member, observer: TestPeer) throws {
            let before = observer.snapshot.replica.stored.count
            _ = try alpha.client.putRecord(
                PutRecordRequest(id: "c-after", type: "note", classification: "CONFIDENTIAL", fields: ["v": 2]))
            let snapshot = try observer.wait("the CONFIDENTIAL write", timeout: 10) { snapshot in
                snapshot.replica.stored[before...].contains {
                    let delta = try? SealedDelta.parse($0)
                    return delta?.header.level == "CONFIDENTIAL" && delta?.header.kind == .records
                }
            }
            let delta = try #require(
                snapshot.replica.stored[before...].compactMap { try? SealedDelta.parse($0) }.first {
                    $0.header.level == "CONFIDENTIAL" && $0.header.kind == .records
                })
            let sealed = try #require(delta.header.epoch)
            #expect(
                sealed.number == epoch.number && Hex.encode(sealed.keyID) == epoch.keyId,
                "sealed under \(sealed), not the current \(epoch.number)/\(epoch.keyId)")
        }
    }
}
