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

extension TrustService {
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
            throw SiteError.refused(.invalidRevocation, "the revocation does not verify against this federation's charter: \(error)")
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
            let rotated = keys.rotateExposedKeys(in: &context, now: now)
            keys.issueGrants(in: &context, now: now)
            // What the device wrote from the effective time on is withdrawn in this same
            // transaction (the first `withdrawalDrain.limit` deltas; the drain does the rest).
            try withdrawal.withdrawRetroactively(in: &context, budget: kernel.withdrawalDrain.limit)
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
            } catch let error as SiteError {
                guard case .refused(.invalidRevocation, _) = error else { throw error }
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
    /// The charter version in force and the number of revocations held, read together.
    func trustMark() -> TrustMark {
        ledger.read { TrustMark(charterVersion: ($0.charter ?? identity.charter).version, revocations: $0.withdrawals.allRevocations.count) }
    }

    func revocationObjects() -> [[UInt8]] {
        ledger.read { $0.withdrawals.allRevocations.map { $0.signed.serialized() } }
    }

    /// Whether `certificate` is withdrawn (revoked, or no longer allowed by the charter).
    func isWithdrawn(_ certificate: DeviceCertificate) -> Bool {
        ledger.read { $0.withdrawals.isWithdrawn(certificate) }
    }

}
