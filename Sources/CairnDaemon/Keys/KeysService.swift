import CairnModel
import CairnProtocol
import CairnStore
import CairnTrust
import Foundation

/// The epoch keys of each level: minting them when first needed, granting them to cleared
/// devices, rotating them when one is withdrawn.
struct KeysService: SiteService {
    let kernel: SiteKernel
}

extension KeysService {
    /// Grants what `GrantPlan` says this site owes: each key to the known, currently valid,
    /// cleared devices not known to hold it, in one GRANT delta per key (copies form, at most
    /// `GrantCopies.maxRecipients` recipients each) in this device's stream of the key's level,
    /// so it travels only to sites cleared for that level, like the data it unlocks. The devices
    /// connected now and `serving` are granted what they lack at once (`GrantPlan`).
    func issueGrants(
        in context: inout WriteContext, now: Int64 = Int64(Date().timeIntervalSince1970), serving: DeviceID? = nil
    ) {
        let plan = GrantPlan(
            me: identity.deviceID, levels: identity.levels, devices: context.devices, withdrawals: context.withdrawals,
            grantsSeen: context.grantsSeen, now: now, serving: served(serving))
        for need in plan.needs(context.keyring) {
            do {
                try grant(need.key, level: need.level, epoch: need.epoch, to: need.recipients, in: &context, now: now)
            } catch {
                logger.error("keys.grant_failed", metadata: .error(error, ["key.level": "\(need.level)"]))
            }
        }
    }

    /// Keeps newly learned device certificates (already verified against the charter) and
    /// grants them the keys they are cleared for. `serving` names a device about to be sent a
    /// bundle: it is granted every key it lacks now, since no other holder may ever reach it.
    /// Returns how many were new.
    @discardableResult
    func learn(
        _ certificates: [DeviceCertificate], from source: String, now: Int64 = Int64(Date().timeIntervalSince1970),
        serving: DeviceID? = nil
    ) throws -> Int {
        try learnServing(certificates, from: source, now: now, serving: serving).learned
    }

    /// `learn`, also returning the envelopes of the GRANT deltas its group wrote with a copy
    /// for `serving`: a peer just admitted is sent them ahead of this site's stream
    /// (`earlyGrants`), where they are the newest deltas, behind whatever backlog it lacks.
    func learnServing(
        _ certificates: [DeviceCertificate], from source: String, now: Int64 = Int64(Date().timeIntervalSince1970),
        serving: DeviceID?
    ) throws -> (learned: Int, grants: [[UInt8]]) {
        let fresh = ledger.read { state in
            certificates.filter { state.devices.supersedes($0) }
        }
        guard !fresh.isEmpty || needsGrants(now: now, serving: serving) else { return (0, []) }
        return try ledger.submitAndWait { [self] context in
            var learned = 0
            for certificate in fresh where context.devices.insert(certificate, at: now) {
                context.batch.devices.append(DeviceRow(certificate, learnedAt: now))
                context.audit("device.learned", actor: source, detail: ["device": "\(certificate.ref)", "clearance": certificate.clearance])
                learned += 1
            }
            let before = context.batch.deltas.count
            issueGrants(in: &context, now: now, serving: serving)
            guard let serving else { return (learned, []) }
            // This group's own grant deltas, read back for their recipients (a few per
            // admission). They were sealed just now and cannot fail to parse; if one did, it would
            // only not be sent early, which is harmless: it still travels in its stream.
            let grants = context.batch.deltas[before...].filter { $0.kind == DeltaKind.grant.rawValue }.map(\.envelope).filter { envelope in
                guard let delta = try? SealedDelta.parse(envelope), let copies = try? GrantCopies.grants(of: delta) else { return false }
                return copies.contains { $0.recipient == serving }
            }
            return (learned, Array(grants.prefix(SyncFrame.maxEarlyGrants)))
        }
    }

    /// Whether this site owes some known device a grant now (set lookups over the state).
    private func needsGrants(now: Int64, serving: DeviceID?) -> Bool {
        ledger.read { state in
            let plan = GrantPlan(
                me: identity.deviceID, levels: identity.levels, devices: state.devices, withdrawals: state.withdrawals,
                grantsSeen: state.grantsSeen, now: now, serving: served(serving))
            return !plan.needs(state.keyring).isEmpty
        }
    }

    /// The devices connected now, and `serving`.
    private func served(_ serving: DeviceID?) -> Set<DeviceID> {
        var devices = kernel.connected.devices
        if let serving { devices.insert(serving) }
        return devices
    }
}
