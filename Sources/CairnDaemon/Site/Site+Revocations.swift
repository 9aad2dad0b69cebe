import CairnCrypto
import CairnModel
import CairnProtocol
import CairnStore
import CairnTrust
import Foundation

/// What accepting a revocation did.
struct RevocationOutcome: Sendable {
    let revocation: Revocation
    /// False when this site already held it (nothing changed).
    let learned: Bool
    /// The levels whose key this site rotated because of it.
    let rotated: [String]
}

extension Site {
    /// The newest charter this site has accepted.
    func charter() -> Charter {
        ledger.read { $0.charter ?? identity.charter }
    }

    /// Verifies a revocation against the charter, keeps it, and acts on it in the same durable
    /// group: every epoch key the device is known to hold is replaced by a new epoch granted to
    /// every device still cleared (`rotateExposedKeys`), the device is never granted a key
    /// again, and what it wrote from the effective time on is withdrawn and the records it
    /// touched recomputed (`withdrawRetroactively`). Connected links to the device are closed by
    /// the sync service (`withdrawalFeed`).
    ///
    /// Idempotent: a revocation already held changes nothing.
    func accept(revocation signed: SignedObject, from source: String) throws -> RevocationOutcome {
        let revocation: Revocation
        do {
            revocation = try Revocation.verify(signed, charter: charter())
        } catch {
            throw DaemonError.request(.invalidRevocation, "the revocation does not verify against this federation's charter: \(error)")
        }
        let known = ledger.read { $0.withdrawals.revocations[revocation.certificateSerial] != nil }
        if known { return RevocationOutcome(revocation: revocation, learned: false, rotated: []) }
        let outcome = try ledger.submitAndWait { [self] context -> (learned: Bool, rotated: [String]) in
            guard context.withdrawals.insert(revocation) else { return (false, []) }
            let now = Int64(Date().timeIntervalSince1970)
            context.batch.revocations.append(
                RevocationRow(
                    serial: revocation.certificateSerial, agency: revocation.ref.agency.value, device: revocation.ref.device.value,
                    effectiveAt: revocation.effectiveAt, signed: revocation.signed.serialized(), learnedAt: now))
            context.withdrew = true
            context.audit(
                "device.revoked", actor: source,
                detail: [
                    "device": "\(revocation.ref)", "serial": Hex.encode(revocation.certificateSerial),
                    "effectiveAt": "\(revocation.effectiveAt)", "reason": revocation.reason,
                ])
            if revocation.ref == identity.certificate.ref, revocation.certificateSerial == identity.certificate.serial {
                logger.critical("device.self_revoked", metadata: ["reason": "\(revocation.reason)"])
            }
            let rotated = rotateExposedKeys(in: &context, now: now)
            issueGrants(in: &context, now: now)
            // What the device wrote from the effective time on is withdrawn in this same
            // transaction (the first `withdrawalDrain.limit` deltas; the drain does the rest).
            try withdrawRetroactively(in: &context, budget: withdrawalDrain.limit)
            return (true, rotated)
        }
        if outcome.learned {
            logger.warning(
                "device.revoked",
                metadata: ["device": "\(revocation.ref)", "source": "\(source)", "keys.rotated": "\(outcome.rotated.joined(separator: ","))"])
        }
        return RevocationOutcome(revocation: revocation, learned: outcome.learned, rotated: outcome.rotated)
    }

    /// Accepts revocations passed on by a peer or carried in a bundle: each is verified; one
    /// that does not verify is counted and skipped. Returns how many were new.
    ///
    /// Throws when a verified revocation could not be stored: the caller must not go on as if
    /// the device were trusted (a peer's link closes, a bundle import fails).
    @discardableResult
    func accept(revocations: [[UInt8]], from source: String) throws -> Int {
        var learned = 0
        for bytes in revocations {
            do {
                let signed = try SignedObject.parse(bytes: bytes, kind: .revocation)
                if try accept(revocation: signed, from: source).learned { learned += 1 }
            } catch let error as DaemonError {
                guard case .request(.invalidRevocation, _) = error else { throw error }
                refusedRevocation(source, error)
            } catch let error as TrustError {
                refusedRevocation(source, error)
            }
        }
        return learned
    }

    private func refusedRevocation(_ source: String, _ error: any Error) {
        metrics.count("cairn_revocations_refused_total")
        logger.warning("device.revocation_refused", metadata: .error(error, ["source": "\(source)"]))
    }

    /// Every revocation held, serialized as signed: what peers and bundles are given.
    func revocationObjects() -> [[UInt8]] {
        ledger.read { $0.withdrawals.allRevocations.map { $0.signed.serialized() } }
    }

    /// Whether `certificate` is withdrawn (revoked, or no longer allowed by the charter).
    func isWithdrawn(_ certificate: DeviceCertificate) -> Bool {
        ledger.read { $0.withdrawals.isWithdrawn(certificate) }
    }

    /// Replaces the write key of every level whose current epoch is known (from the grants
    /// seen) to be held by a withdrawn device, or by a device no longer cleared for the level:
    /// a new random key with the next epoch number, granted to this device at once (and to every
    /// device still cleared by `issueGrants`). New writes use it; the withdrawn device never
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
            let epoch = EpochRef.random(number: max(highest, current.number) + 1)
            let key = XChaCha20Poly1305.Key()
            let grant = EpochGrant.make(
                level: level, epoch: epoch, key: key, recipient: me, recipientWrappingKey: identity.keys.wrapping.publicKey)
            let head = context.heads[level]
            do {
                let delta = try grant.delta(
                    author: me, sequence: (head?.sequence ?? 0) + 1, previous: head?.deltaID ?? [], hlc: context.clock.now(),
                    signer: identity.keys.signing)
                context.append(delta, receivedAt: now, own: true)
            } catch {
                logger.error("keys.rotation_failed", metadata: .error(error, ["key.level": "\(level)"]))
                continue
            }
            context.keyring.insert(level: level, epoch: epoch, key: key)
            context.batch.epochKeys.append(
                EpochKeyRow(level: level, number: epoch.number, keyID: epoch.keyID, sealed: grant.sealedKey, createdAt: now))
            let seen = GrantSeen(grant)
            context.grantsSeen.insert(seen)
            context.batch.grants.append(seen)
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
