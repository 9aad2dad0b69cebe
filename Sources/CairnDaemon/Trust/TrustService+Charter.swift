import CairnCrypto
import CairnModel
import CairnProtocol
import CairnStore
import CairnTrust
import Foundation

/// What accepting a charter did.
struct CharterOutcome: Sendable {
    let charter: Charter
    /// False when this site already held that version (nothing changed).
    let amended: Bool
    /// Devices the amendment withdrew (agency removed, or clearance above the new ceiling).
    let withdrawn: [String]
    /// Levels whose key this site rotated because of it.
    let rotated: [String]
}

extension TrustService {
    /// Accepts the next charter version at run time (from `cairn charter import` or a peer):
    /// it must be signed by a threshold of the agencies of the charter held, as at start. Every
    /// known device certificate is verified again against it: a device whose agency left the
    /// federation, or whose clearance is now above its agency's ceiling, is withdrawn (its
    /// agency must certify it again), and the keys it is known to hold are rotated.
    ///
    /// The levels of a federation cannot change by amendment in this version: such an
    /// amendment is refused, so that no level a site holds keys for disappears under it.
    func accept(charter signed: SignedObject, from source: String) throws -> CharterOutcome {
        let held = charter()
        let offered: Charter
        do {
            offered = try Charter.accept(offered: signed, held: held)
        } catch {
            throw SiteError.refused(.invalidCharter, "the charter is not the next valid version of the one held (version \(held.version)): \(error)")
        }
        guard offered.version > held.version else {
            return CharterOutcome(charter: held, amended: false, withdrawn: [], rotated: [])
        }
        guard offered.levels == held.levels else {
            throw SiteError.refused(.invalidCharter, "charter version \(offered.version) changes the federation's levels, which this version of Cairn cannot apply")
        }
        let chain = try storedCharters()
        let outcome = try ledger.submitAndWait { [self] context -> AmendmentOutcome in
            var outcome = AmendmentOutcome()
            guard let current = context.charter, current.version + 1 == offered.version else { return outcome }
            let now = Int64(Date().timeIntervalSince1970)
            context.charter = offered
            context.batch.meta[MetaKey.charter] = CharterHistory.encode(chain + [signed])
            for certificate in context.devices.all where !context.withdrawals.isWithdrawn(certificate) {
                do {
                    _ = try DeviceCertificate.verifyIgnoringTime(certificate.signed, charter: offered)
                } catch {
                    let withdrawal = Withdrawal(effectiveAt: offered.issuedAt, reason: "charter version \(offered.version): \(error)")
                    context.withdrawals.withdraw(certificate.deviceID, withdrawal)
                    outcome.withdrawn.append("\(certificate.ref)")
                    if certificate.deviceID == identity.deviceID {
                        logger.critical("device.self_withdrawn", metadata: ["reason": "\(withdrawal.reason)"])
                    }
                }
            }
            context.audit(
                "charter.amended", actor: source,
                detail: [
                    "version": "\(offered.version)", "fingerprint": offered.fingerprintHex,
                    "withdrawn": outcome.withdrawn.joined(separator: ","),
                ])
            outcome.rotated = keys.rotateExposedKeys(in: &context, now: now)
            keys.issueGrants(in: &context, now: now)
            // What the withdrawn devices wrote from the amendment's issue time on is withdrawn,
            // as for a revocation.
            if !outcome.withdrawn.isEmpty { try withdrawal.withdrawRetroactively(in: &context, budget: kernel.withdrawalDrain.limit) }
            outcome.amended = true
            context.withdrew = true
            return outcome
        }
        if outcome.amended {
            logger.notice(
                "charter.amended",
                metadata: [
                    "charter.version": "\(offered.version)", "source": "\(source)", "withdrawn": "\(outcome.withdrawn)",
                    "keys.rotated": "\(outcome.rotated.joined(separator: ","))",
                ])
        }
        return CharterOutcome(charter: charter(), amended: outcome.amended, withdrawn: outcome.withdrawn, rotated: outcome.rotated)
    }

    /// Accepts amendments passed on by a peer, oldest first; stops at the first that does not
    /// follow. Returns how many were new.
    ///
    /// Throws when an amendment that verifies could not be stored (or the history held could not
    /// be read): the caller must not go on under the older charter as if nothing had come.
    @discardableResult
    func accept(charters: [[UInt8]], from source: String) throws -> Int {
        var amended = 0
        for bytes in charters {
            do {
                let signed = try SignedObject.parse(bytes: bytes, kind: .charter)
                if try accept(charter: signed, from: source).amended { amended += 1 }
            } catch let error as SiteError {
                guard case .refused(.invalidCharter, _) = error else { throw error }
                refusedCharter(source, error)
                break
            } catch let error as TrustError {
                refusedCharter(source, error)
                break
            }
        }
        return amended
    }

    private func refusedCharter(_ source: String, _ error: any Error) {
        metrics.count("cairn_charters_refused_total")
        logger.warning("charter.refused", metadata: .error(error, ["source": "\(source)"]))
    }

    /// The signed charters held with a version above `version`, oldest first: what a peer that
    /// named `version` in its Hello is given.
    ///
    /// Throws when the history cannot be read, or does not end at the charter in force: a peer
    /// must then not be told "nothing new" while an amendment withdrew devices.
    func charters(after version: UInt64) throws -> [[UInt8]] {
        let held = charter().version
        guard held > version else { return [] }
        // The stored chain starts at the genesis (version 1) and each amendment is the next
        // version, so the charter at index i is version i + 1.
        let chain = try storedCharters()
        // One more than held is an amendment being committed right now (the store has it, the
        // state not yet): pass on what is in force. Fewer means the history is damaged.
        guard UInt64(chain.count) >= held else {
            storeFailed(.charter, SiteError.failed("history of \(chain.count) versions, \(held) held"))
            throw SiteError.failed("the stored charter history holds \(chain.count) versions but version \(held) is in force; the store may be damaged")
        }
        return chain.prefix(Int(clamping: held)).dropFirst(Int(clamping: version)).map { $0.serialized() }
    }

    private func storedCharters() throws -> [SignedObject] {
        try storeRead(.charter) {
            guard let bytes = try database.meta(MetaKey.charter) else { return [] }
            return try CharterHistory.decode(bytes)
        }
    }
}

/// What an amendment's ledger job did.
struct AmendmentOutcome: Sendable {
    var amended = false
    var withdrawn: [String] = []
    var rotated: [String] = []
}
