import CairnCrypto
import CairnModel
import CairnProtocol
import CairnStore
import CairnTrust

/// One key to grant and the devices to seal it to.
struct GrantNeed {
    let level: String
    let epoch: EpochRef
    let key: XChaCha20Poly1305.Key
    let recipients: [DeviceCertificate]
}

/// Decides which keys this site grants to whom, so that a federation of n devices holds
/// O(n) grants, not O(n²) (Docs/Decisions.md, "Epoch keys are minted lazily and granted in
/// copies"). Pure: it reads the state it is given.
///
/// A key is owed to every known device, valid now, not withdrawn and cleared for its level, that
/// is not known (from the grants seen, by anyone) to hold it. Of the key's known holders, one is
/// *responsible* for it: the one whose id is nearest the key's random id (XOR, so the choice is
/// spread over holders and every site that has seen the same grants picks the same one). Right
/// after a key is minted its minter is its only holder, so the minter grants it. The responsible
/// holder grants at once; any other holder grants only to a device it has known for `grace`
/// seconds that still lacks the key: so a device that meets only some holders (a laptop that
/// only ever meets site B) still gets A's key from B, without every holder granting every newcomer.
/// A device this site is serving (connected to it now, or about to be sent a bundle) is granted
/// at once by any holder: at most one grant per holder it is connected to, bounded by its links.
struct GrantPlan {
    /// How long a holder that is not responsible for a key waits before it closes a gap.
    static let grace: Int64 = 120

    let me: DeviceID
    let levels: LevelLattice
    let devices: KnownDevices
    let withdrawals: Withdrawals
    let grantsSeen: Set<GrantSeen>
    let now: Int64
    /// Devices this site is serving: connected to it now, or about to be sent a bundle (a
    /// channel nobody else may reach them by). Each is granted what it lacks at once, whoever is
    /// responsible.
    var serving: Set<DeviceID> = []

    /// Devices that may be granted a key of `level` now.
    func eligible(level: String) -> [DeviceCertificate] {
        devices.all.filter { device in
            device.deviceID != me && device.isValid(at: now) && !withdrawals.isWithdrawn(device)
                && levels.isAtOrBelow(level, device.clearance)
        }
    }

    /// The grants owed by this site, one entry per key (recipients in reference order).
    func needs(_ keyring: EpochKeyring) -> [GrantNeed] {
        let entries = keyring.entries
        guard !entries.isEmpty else { return [] }
        var holders: [EpochSlot: [[UInt8]]] = [:]
        for seen in grantsSeen {
            // Harmless: a malformed row names no epoch this site holds, so it owes nothing for it.
            guard let epoch = try? EpochRef(number: seen.epochNumber, keyID: seen.epochKeyID) else { continue }
            holders[EpochSlot(level: seen.level, epoch: epoch), default: []].append(seen.recipient)
        }
        var eligibleByLevel: [String: [DeviceCertificate]] = [:]
        var result: [GrantNeed] = []
        for (level, epoch, key) in entries {
            let slot = EpochSlot(level: level, epoch: epoch)
            let held = Set(holders[slot] ?? [])
            let candidates = eligibleByLevel[level] ?? eligible(level: level)
            eligibleByLevel[level] = candidates
            let lacking = candidates.filter { !held.contains($0.deviceID.bytes) }
            guard !lacking.isEmpty else { continue }
            let recipients = responsible(for: epoch, holders: held)
                ? lacking : lacking.filter { serving.contains($0.deviceID) || waitedLongEnough($0) }
            if !recipients.isEmpty { result.append(GrantNeed(level: level, epoch: epoch, key: key, recipients: recipients)) }
        }
        return result
    }

    /// Whether this device is, of the key's holders that may still hold keys, the one nearest
    /// the key's id. This device counts as a holder (it holds the key).
    func responsible(for epoch: EpochRef, holders: Set<[UInt8]>) -> Bool {
        var nearest = me.bytes
        for holder in holders where holder != me.bytes && isActive(holder) {
            if Self.distance(holder, epoch.keyID).lexicographicallyPrecedes(Self.distance(nearest, epoch.keyID)) {
                nearest = holder
            }
        }
        return nearest == me.bytes
    }

    /// A holder whose certificate is known, valid now and not withdrawn: one that can grant.
    private func isActive(_ holder: [UInt8]) -> Bool {
        // Harmless: a holder id that is not a device id names no device, so it grants nothing.
        guard let id = try? DeviceID(holder), let certificate = devices.certificate(id) else { return false }
        return certificate.isValid(at: now) && !withdrawals.isWithdrawn(certificate)
    }

    private func waitedLongEnough(_ device: DeviceCertificate) -> Bool {
        guard let since = devices.knownSince(device.deviceID) else { return false }
        return now - since >= Self.grace
    }

    static func distance(_ id: [UInt8], _ keyID: [UInt8]) -> [UInt8] {
        zip(id, keyID).map { $0 ^ $1 }
    }
}
