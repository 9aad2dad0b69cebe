import CairnModel
import CairnProtocol
import CairnStore
import CairnTrust
import Foundation

/// Audit heads exchanged with peers: each keeps the other's newest signed head, and sends it
/// back, so that a site whose log lost its tail together with the anchor file still finds out.
extension AuditService {
    /// Why a peer's audit heads were refused (the link refuses the peer with `code`).
    struct AuditHeadRefusal: Error {
        let code = "bad_audit_head"
        let message: String
    }

    /// What this site sends `peer`: its own newest signed head, and the newest head of the
    /// peer's log it holds.
    ///
    /// The own head only to a peer cleared at least as high as this device: its sequence number
    /// counts this site's audit entries, one per write at every level it holds, so a peer
    /// cleared lower would learn how much was written above its clearance, and when.
    func auditHeads(for peer: DeviceCertificate) -> (own: AuditHead?, yours: AuditHead?) {
        let cleared = identity.levels.isAtOrBelow(identity.clearance, peer.clearance)
        return (cleared ? auditAnchor.latest : nil, auditWitnesses.head(of: peer.deviceID))
    }

    /// Takes the audit heads an admitted peer sent (blocking: called off the event loops).
    /// `own` must be the peer's own head signed by it, `yours` this site's head signed by this
    /// device; anything else is a forgery or another device's head passed off, and refused.
    func receiveAuditHeads(own: AuditHead?, yours: AuditHead?, from peer: DeviceCertificate) throws(AuditHeadRefusal) {
        if let own {
            guard own.device == peer.deviceID, own.isValid(for: peer.deviceID) else {
                throw AuditHeadRefusal(message: own.device == peer.deviceID
                    ? "its audit head's signature does not verify" : "it sent another device's audit head as its own")
            }
            keepWitnessed(own, from: peer)
        }
        if let yours {
            guard yours.device == identity.deviceID, yours.isValid(for: identity.deviceID) else {
                throw AuditHeadRefusal(message: yours.device == identity.deviceID
                    ? "the audit head it holds for this site does not verify under this device's key"
                    : "it sent another device's audit head as this site's")
            }
            auditWitnesses.noteReported(yours.seq, by: "\(peer.ref)")
            do {
                try compareWitnessed(yours, from: "\(peer.ref)")
            } catch {
                // The head is sent again at the next connection, and every few seconds meanwhile.
                logger.error("audit.witness_check_failed", metadata: .error(error, ["peer": "\(peer.ref)"]))
            }
        }
    }

    /// Keeps a peer's head if newer, writing it to the store when due.
    private func keepWitnessed(_ head: AuditHead, from peer: DeviceCertificate) {
        let offer = auditWitnesses.offer(head)
        if offer.regressed {
            let seq = head.seq
            logger.warning("audit.peer_head_regressed", metadata: ["peer": "\(peer.ref)", "audit.seq": "\(seq)"])
        }
        if let due = offer.due { storeWitnessed(due, device: peer.deviceID) }
    }

    /// Writes what is held for `device` and not yet stored (when its link closes).
    func flushWitnessed(_ device: DeviceID) {
        if let row = auditWitnesses.unstored(of: device) { storeWitnessed(row, device: device) }
    }

    private func storeWitnessed(_ row: AuditWitnessRow, device: DeviceID) {
        do {
            try database.keepWitnessedAuditHeads([row])
        } catch {
            // Held in memory still; written at the next offer. Lagging is the safe direction.
            auditWitnesses.storeFailed(device)
            logger.error("audit.witness_store_failed", metadata: .error(error))
        }
    }

    /// Compares a peer's signed copy of this site's head with the log: the log must hold that
    /// entry, unless a recorded break already accounts for it; otherwise the break is recorded.
    func compareWitnessed(_ head: AuditHead, from peer: String) throws {
        let seq = Int64(head.seq)
        if let entry = try database.auditEntry(seq: seq), entry.hash == head.hash { return }
        if ledger.read({ $0.auditBreaks.explains(seq: seq, hash: head.hash) }) { return }
        try ledger.submitAndWait { [self] context in
            // Again in the group: another peer's copy of the same head may just have been recorded.
            let entry = try database.auditEntry(seq: seq)
            if let entry, entry.hash == head.hash { return }
            if context.auditBreaks.explains(seq: seq, hash: head.hash) { return }
            let reason: String
            if entry != nil {
                reason = "peer \(peer) holds a signed head at entry \(seq) that differs from the entry held: entries were replaced"
            } else {
                reason = "peer \(peer) holds a signed head at entry \(seq), but the log does not hold that entry "
                    + "(it ends at entry \(context.auditHead?.seq ?? 0)): entries were removed"
            }
            context.recordBreak(AuditTailBreak(expected: (seq, head.hash), source: .peer(peer), reason: reason), after: context.auditHead)
        }
    }
}
