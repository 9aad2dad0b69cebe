import CairnModel
import CairnStore
import CairnTrust
import Foundation

/// The audit log's part of a start: its tail checked against the anchor before anything is
/// appended, then the new head anchored and the recorded breaks and peers' heads loaded.
extension SiteLoader {
    /// The break of the log's tail against the anchor file, if any (logged here; recorded as
    /// the first entry of this start).
    func checkAuditTail(database: CairnDatabase, anchor: AuditAnchor) throws -> AuditTailBreak? {
        let found: AuditTailBreak?
        do {
            found = try AuditStartCheck(database: database, anchor: anchor).run()
        } catch {
            throw DaemonError.startup("cannot check the audit log against its anchor: \(error)")
        }
        if let found {
            logger.error("audit.anchor_mismatch", metadata: ["reason": "\(found.reason)"])
        }
        return found
    }

    /// Anchors the head the start left (durably, and noted in the store, the first time), and
    /// loads the log's breaks and the heads peers' logs reached.
    func openAuditLog(
        database: CairnDatabase, anchor: AuditAnchor, keys: DeviceSecretKeys, state: inout LedgerState
    ) throws -> AuditWitnesses {
        do {
            if let head = state.auditHead {
                let first = try database.meta(AuditAnchor.writtenMetaKey) == nil
                try anchor.publish(seq: head.seq, hash: head.hash, durable: first)
                if first { try database.setMeta(AuditAnchor.writtenMetaKey, [1]) }
            }
            state.auditBreaks = AuditBreakLedger(rows: try database.auditBreakEntries(), device: keys.deviceID)
            let unacknowledged = state.auditBreaks.unacknowledged
            if !unacknowledged.isEmpty {
                logger.error(
                    "audit.breaks_unacknowledged",
                    metadata: [
                        "audit.breaks": "\(unacknowledged.map(\.seq))",
                        "hint": "cairn audit verify; cairn audit acknowledge --break SEQ",
                    ])
            }
            return AuditWitnesses(stored: try database.witnessedAuditHeads())
        } catch {
            throw DaemonError.startup("cannot open the audit log's anchor in \(config.stateDirectory): \(error)")
        }
    }
}
