import CairnModel
import CairnProtocol
import CairnStore
import CairnTrust
import Foundation

/// The epoch keys of each level: granting them to cleared devices, rotating them when one is withdrawn.
struct KeysService: SiteService {
    let kernel: SiteKernel
}

extension KeysService {
    /// Grants every epoch key this site holds to every known, currently valid device cleared for
    /// its level that is not known to hold it yet (from any grant seen, by anyone). Each grant is
    /// a GRANT delta in this device's stream of the key's level, so it travels only to sites
    /// cleared for that level, like the data it unlocks.
    func issueGrants(in context: inout WriteContext, now: Int64 = Int64(Date().timeIntervalSince1970)) {
        let me = identity.deviceID
        let levels = identity.levels
        for device in context.devices.all
        where device.deviceID != me && device.isValid(at: now) && !context.withdrawals.isWithdrawn(device) {
            for (level, epoch, key) in context.keyring.entries where levels.isAtOrBelow(level, device.clearance) {
                let seen = GrantSeen(level: level, epochNumber: epoch.number, epochKeyID: epoch.keyID, recipient: device.deviceID.bytes)
                guard !context.grantsSeen.contains(seen) else { continue }
                let grant = EpochGrant.make(
                    level: level, epoch: epoch, key: key, recipient: device.deviceID, recipientWrappingKey: device.wrappingKey)
                let head = context.heads[level]
                do {
                    let delta = try grant.delta(
                        author: me, sequence: (head?.sequence ?? 0) + 1, previous: head?.deltaID ?? [],
                        hlc: context.clock.now(), signer: identity.keys.signing)
                    context.append(delta, receivedAt: now, own: true)
                } catch {
                    logger.error("keys.grant_failed", metadata: .error(error, ["key.level": "\(level)"]))
                    continue
                }
                context.grantsSeen.insert(seen)
                context.batch.grants.append(seen)
                context.audit(
                    "keys.granted", actor: "daemon",
                    detail: ["level": level, "epoch": "\(epoch.number)", "recipient": "\(device.ref)"])
                logger.info("keys.granted", metadata: ["key.level": "\(level)", "key.epoch": "\(epoch.number)", "recipient": "\(device.ref)"])
            }
        }
    }

    /// Keeps newly learned device certificates (already verified against the charter) and
    /// grants them the keys they are cleared for. Returns how many were new.
    @discardableResult
    func learn(_ certificates: [DeviceCertificate], from source: String) throws -> Int {
        let fresh = ledger.read { state in
            certificates.filter { state.devices.supersedes($0) }
        }
        guard !fresh.isEmpty || needsGrants() else { return 0 }
        return try ledger.submitAndWait { [self] context in
            let now = Int64(Date().timeIntervalSince1970)
            var learned = 0
            for certificate in fresh where context.devices.insert(certificate) {
                context.batch.devices.append(DeviceRow(certificate, learnedAt: now))
                context.audit("device.learned", actor: source, detail: ["device": "\(certificate.ref)", "clearance": certificate.clearance])
                learned += 1
            }
            issueGrants(in: &context)
            return learned
        }
    }

    /// Whether some known device lacks a key this site could grant it (cheap: set lookups).
    private func needsGrants() -> Bool {
        let now = Int64(Date().timeIntervalSince1970)
        return ledger.read { state in
            for device in state.devices.all
            where device.deviceID != identity.deviceID && device.isValid(at: now) && !state.withdrawals.isWithdrawn(device) {
                for (level, epoch, _) in state.keyring.entries where identity.levels.isAtOrBelow(level, device.clearance) {
                    let seen = GrantSeen(level: level, epochNumber: epoch.number, epochKeyID: epoch.keyID, recipient: device.deviceID.bytes)
                    if !state.grantsSeen.contains(seen) { return true }
                }
            }
            return false
        }
    }
}
