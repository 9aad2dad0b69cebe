import CairnCrypto
import CairnModel
import CairnProtocol
import CairnStore
import Foundation
import Logging

/// Reads, once per store, the GRANT deltas it holds in the copies form. A release that predates
/// the form stored and relayed such deltas without reading them (an unreadable grant is kept
/// for its chain), so a store it made may hold keys sealed to this device that it never opened,
/// and records waiting for them. Run at start-up before the backlog drain, which then applies
/// those records. Every grant is read again (reading the single form twice changes nothing);
/// one that does not parse is skipped as it was on arrival.
struct GrantCopiesMigration {
    static let metaKey = "grants.copies-read"

    let database: CairnDatabase
    let identity: SiteIdentity
    let logger: Logger

    func run(_ state: inout LedgerState, events: inout [StartupEvent]) throws {
        guard try database.meta(Self.metaKey) == nil else { return }
        let me = identity.deviceID
        var seen: [GrantSeen] = []
        var keys: [EpochKeyRow] = []
        let now = Int64(Date().timeIntervalSince1970)
        try database.forEachDelta { stored in
            guard stored.kind == 1, identity.levels.isAtOrBelow(stored.level, identity.clearance) else { return true }
            // Harmless: every stored delta verified on arrival; a grant body that does not parse
            // was unreadable then too and tells nothing now.
            guard let delta = try? SealedDelta.parse(stored.envelope), let grants = try? GrantCopies.grants(of: delta),
                let first = grants.first
            else { return true }
            let author = GrantSeen(
                level: first.level, epochNumber: first.epoch.number, epochKeyID: first.epoch.keyID, recipient: delta.header.author.bytes)
            for grant in [author] + grants.map(GrantSeen.init) where state.grantsSeen.insert(grant).inserted {
                seen.append(grant)
            }
            guard let mine = grants.first(where: { $0.recipient == me }), mine.epoch.number < KeysService.highestAdoptedEpoch,
                state.keyring.key(level: mine.level, epoch: mine.epoch) == nil,
                let key = try? mine.openKey(with: identity.keys.wrapping)  // not ours to open: as on arrival
            else { return true }
            state.keyring.insert(level: mine.level, epoch: mine.epoch, key: key)
            keys.append(EpochKeyRow(level: mine.level, number: mine.epoch.number, keyID: mine.epoch.keyID, sealed: mine.sealedKey, createdAt: now))
            return true
        }
        try database.commit(WriteBatch(epochKeys: keys, meta: [Self.metaKey: [1]]).with(grants: seen))
        if !keys.isEmpty || !seen.isEmpty {
            events.append(StartupEvent(kind: "keys.grants_reread", detail: ["keys": "\(keys.count)", "grants": "\(seen.count)"]))
            logger.info("keys.grants_reread", metadata: ["keys": "\(keys.count)", "grants": "\(seen.count)"])
        }
    }
}
