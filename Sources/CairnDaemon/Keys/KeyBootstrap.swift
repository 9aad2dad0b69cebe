import CairnCrypto
import CairnModel
import CairnProtocol
import CairnStore
import Foundation
import Logging

/// Loads the epoch keys this device holds and, on a first start, creates epoch 1 of every level
/// it is cleared for: a random key, granted to itself as a signed GRANT delta and kept sealed to
/// its own wrapping key. (Grants to other devices and rotation use the same formats later.)
struct KeyBootstrap {
    let database: CairnDatabase
    let identity: SiteIdentity
    let logger: Logger

    func ensureEpochKeys(_ state: inout LedgerState, events: inout [StartupEvent]) throws {
        for row in try database.epochKeys() {
            guard identity.levels.isAtOrBelow(row.level, identity.clearance) else { continue }
            let epoch = try EpochRef(number: row.number, keyID: row.keyID)
            do {
                let key = try XChaCha20Poly1305.Key(SealedBox.open(row.sealed, with: identity.keys.wrapping))
                state.keyring.insert(level: row.level, epoch: epoch, key: key)
            } catch {
                throw DaemonError.startup("the epoch key \(epoch) of \(row.level) cannot be opened with this device's keys: \(error)")
            }
        }
        for level in identity.readableLevels where !state.keyring.holds(level: level) {
            let epoch = try createFirstEpoch(level: level, state: &state)
            events.append(StartupEvent(kind: "keys.epoch_created", detail: ["level": level, "epoch": "\(epoch.number)", "grant": "self"]))
        }
    }

    private func createFirstEpoch(level: String, state: inout LedgerState) throws -> EpochRef {
        let key = XChaCha20Poly1305.Key()
        let epoch = EpochRef.random(number: 1)
        let me = identity.deviceID
        let grant = EpochGrant.make(
            level: level, epoch: epoch, key: key, recipient: me, recipientWrappingKey: identity.keys.wrapping.publicKey)
        let head = state.heads[level]
        let hlc = state.clock.now()
        let delta = try grant.delta(
            author: me, sequence: (head?.sequence ?? 0) + 1, previous: head?.deltaID ?? [], hlc: hlc,
            signer: identity.keys.signing)
        let now = Int64(Date().timeIntervalSince1970)
        try database.commit(
            WriteBatch(
                deltas: [NewDelta(delta, receivedAt: now)], records: [], links: [],
                epochKeys: [
                    EpochKeyRow(level: level, number: epoch.number, keyID: epoch.keyID, sealed: grant.sealedKey, createdAt: now)
                ],
                meta: [MetaKey.clock: ClockMark.encode(hlc)]).with(grants: [GrantSeen(grant)]))
        state.heads[level] = StreamHead(sequence: delta.header.sequence, deltaID: delta.id)
        state.streams[StreamID(author: me, level: level)] = state.heads[level]
        state.grantsSeen.insert(GrantSeen(grant))
        state.keyring.insert(level: level, epoch: epoch, key: key)
        logger.info("keys.epoch_created", metadata: ["sync.level": "\(level)", "key.epoch": "\(epoch)"])
        return epoch
    }
}
