import CairnCrypto
import CairnProtocol
import CairnTrust
import CairnModel
import CairnStore
import Foundation

extension RecordsService {
    /// Seals one of this device's changes at the next position of its stream and appends it to
    /// the group; returns the delta and the level's current key.
    func sealOwn(_ change: Change, in context: inout WriteContext) throws -> (
        SealedDelta, EpochRef, XChaCha20Poly1305.Key
    ) {
        // The level's first epoch is minted here when this site holds none (lazily: see KeysService).
        try keys.ensureWriteKey(level: change.level, in: &context)
        guard let (epoch, key) = context.keyring.current(level: change.level) else {
            throw SiteError.refused(.unavailable, "this site holds no key for \(change.level) yet")
        }
        let head = context.heads[change.level]
        let delta: SealedDelta
        do {
            delta = try SealedDelta.seal(
                change: change, sequence: (head?.sequence ?? 0) + 1, previous: head?.deltaID ?? [],
                epoch: epoch, key: key, signer: identity.keys.signing)
        } catch let error as ModelError {
            throw SiteError.from(error)
        }
        context.append(delta, receivedAt: Int64(Date().timeIntervalSince1970), own: true)
        return (delta, epoch, key)
    }
}
