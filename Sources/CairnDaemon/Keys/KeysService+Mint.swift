import CairnCrypto
import CairnModel
import CairnProtocol
import CairnStore
import CairnTrust
import Foundation

extension KeysService {
    /// Makes sure this site holds a key to write `level` with, minting the level's first epoch
    /// when it holds none: a site mints only when it must seal something at a level, so a
    /// federation whose sites never write a level holds no key of it, and one written by a few
    /// sites holds a few first epochs (converging as concurrent rotations do), not one per site.
    /// Works offline: nothing is asked of anyone.
    func ensureWriteKey(level: String, in context: inout WriteContext, now: Int64 = Int64(Date().timeIntervalSince1970)) throws {
        guard context.keyring.current(level: level) == nil else { return }
        let epoch = try mint(level: level, number: 1, in: &context, now: now)
        context.audit("keys.epoch_created", actor: "daemon", detail: ["level": level, "epoch": "\(epoch.number)"])
        logger.info("keys.epoch_created", metadata: ["key.level": "\(level)", "key.epoch": "\(epoch)"])
    }

    /// Creates a random key of `level` numbered `number`, keeps it, and grants it in the same
    /// commit to this device and every device it may be granted to now (one delta per 256
    /// recipients). Its minter is then its only known holder, hence the one `GrantPlan` makes
    /// responsible for granting it to devices met later.
    func mint(level: String, number: UInt32, in context: inout WriteContext, now: Int64) throws -> EpochRef {
        let epoch = EpochRef.random(number: number)
        let key = XChaCha20Poly1305.Key()
        let plan = GrantPlan(
            me: identity.deviceID, levels: identity.levels, devices: context.devices, withdrawals: context.withdrawals,
            grantsSeen: context.grantsSeen, now: now)
        let own = try grant(key, level: level, epoch: epoch, to: plan.eligible(level: level), includingSelf: true, in: &context, now: now)
        guard let sealed = own?.sealedKey else { throw SiteError.failed("a minted key was not sealed to this device") }
        context.keyring.insert(level: level, epoch: epoch, key: key)
        context.batch.epochKeys.append(EpochKeyRow(level: level, number: epoch.number, keyID: epoch.keyID, sealed: sealed, createdAt: now))
        return epoch
    }

    /// Seals `key` to `recipients` (and to this device first when `includingSelf`) in GRANT
    /// deltas of the copies form, at most `GrantCopies.maxRecipients` each, appended to this
    /// device's stream of `level`; notes every recipient as a holder. Returns this device's own
    /// copy when it was included.
    @discardableResult
    func grant(
        _ key: XChaCha20Poly1305.Key, level: String, epoch: EpochRef, to recipients: [DeviceCertificate],
        includingSelf: Bool = false, in context: inout WriteContext, now: Int64
    ) throws -> EpochGrant? {
        let me = identity.deviceID
        var all: [(DeviceID, X25519.PublicKey)] = includingSelf ? [(me, identity.keys.wrapping.publicKey)] : []
        all += recipients.filter { $0.deviceID != me }.map { ($0.deviceID, $0.wrappingKey) }
        var own: EpochGrant?
        var start = 0
        while start < all.count {
            let chunk = Array(all[start..<min(all.count, start + GrantCopies.maxRecipients)])
            start += chunk.count
            let head = context.heads[level]
            let (delta, grants) = try GrantCopies.delta(
                level: level, epoch: epoch, key: key, recipients: chunk, author: me, sequence: (head?.sequence ?? 0) + 1,
                previous: head?.deltaID ?? [], hlc: context.clock.now(), signer: identity.keys.signing)
            context.append(delta, receivedAt: now, own: true)
            for grant in grants {
                if grant.recipient == me { own = grant }
                let seen = GrantSeen(grant)
                if context.grantsSeen.insert(seen).inserted { context.batch.grants.append(seen) }
            }
            let names = grants.filter { $0.recipient != me }.map { context.devices.displayName($0.recipient) }
            if !names.isEmpty {
                context.audit(
                    "keys.granted", actor: "daemon",
                    detail: ["level": level, "epoch": "\(epoch.number)", "recipients": names.joined(separator: ",")])
            }
            logger.info(
                "keys.granted", metadata: ["key.level": "\(level)", "key.epoch": "\(epoch.number)", "recipients": "\(grants.count)"])
            metrics.count("cairn_key_grant_deltas_total", [("level", level)])
        }
        return own
    }
}
