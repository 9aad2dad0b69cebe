import CairnCrypto
import CairnProtocol
import CairnTrust
import CairnModel
import CairnStore
import Foundation

extension KeysService {
    /// Epoch numbers at or above this are never adopted: a member granting epoch `UInt32.max`
    /// would otherwise leave no number to rotate to.
    static let highestAdoptedEpoch: UInt32 = UInt32.max - 65_536

    /// Replaces the write key of every level whose current epoch is known (from the grants
    /// seen) to be held by a withdrawn device, or by a device no longer cleared for the level:
    /// a new random key with the next epoch number, granted in the same delta to this device and
    /// to every device still cleared. New writes use it; the withdrawn device never
    /// receives it, so it cannot read anything written from now on, even with the ciphertext.
    ///
    /// Two sites rotating at once both create epoch n+1 with different key ids; each grants its
    /// own to the other, neither is held by the withdrawn device, so neither rotates again, and
    /// both write with the greater (number, key id): they converge.
    ///
    /// Returns the levels rotated.
    @discardableResult
    func rotateExposedKeys(in context: inout WriteContext, now: Int64) -> [String] {
        let me = identity.deviceID
        guard let mine = context.devices.certificate(me) ?? Optional(identity.certificate),
            !context.withdrawals.isWithdrawn(mine)
        else { return [] }
        let levels = identity.levels
        var rotated: [String] = []
        for level in identity.readableLevels {
            guard let (current, _) = context.keyring.current(level: level) else { continue }
            let holders = context.grantsSeen.filter {
                $0.level == level && $0.epochNumber == current.number && $0.epochKeyID == current.keyID
            }
            let exposedTo = holders.compactMap { seen -> DeviceCertificate? in
                // Harmless: a recipient is always the 32-byte key of a parsed grant, and a device
                // this site holds no certificate for cannot be found withdrawn anyway.
                guard let id = try? DeviceID(seen.recipient), let certificate = context.devices.certificate(id) else { return nil }
                let withdrawn = context.withdrawals.isWithdrawn(certificate)
                return withdrawn || !levels.isAtOrBelow(level, certificate.clearance) ? certificate : nil
            }
            guard let first = exposedTo.first else { continue }
            let highest = context.grantsSeen.filter { $0.level == level && $0.epochNumber < Self.highestAdoptedEpoch }
                .map(\.epochNumber).max() ?? current.number
            guard highest < Self.highestAdoptedEpoch - 1 else { continue }
            let epoch: EpochRef
            do {
                // One delta seals the new key to this device and every device still cleared.
                epoch = try mint(level: level, number: max(highest, current.number) + 1, in: &context, now: now)
            } catch {
                logger.error("keys.rotation_failed", metadata: .error(error, ["key.level": "\(level)"]))
                continue
            }
            context.audit(
                "keys.rotated", actor: "daemon",
                detail: [
                    "level": level, "epoch": "\(epoch.number)", "replaces": "\(current.number)",
                    "because": "\(first.ref) holds epoch \(current.number)",
                ])
            logger.info("keys.rotated", metadata: ["key.level": "\(level)", "key.epoch": "\(epoch.number)", "because": "\(first.ref)"])
            metrics.count("cairn_key_rotations_total", [("level", level)])
            rotated.append(level)
        }
        return rotated
    }
}
