import CairnCrypto
import CairnModel
import CairnProtocol
import CairnStore
import Foundation
import Logging

/// Loads the epoch keys this device holds. No key is created here: a level's first epoch is
/// minted when this site first seals something at it (`KeysService.ensureWriteKey`), so that a
/// federation holds one first epoch per level written, not one per site and level. Stores made
/// before that keep the first epochs their sites created at start-up; they stay valid keys.
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
        try GrantCopiesMigration(database: database, identity: identity, logger: logger).run(&state, events: &events)
    }
}
