import CairnCrypto
import CairnModel
import CairnProtocol
import CairnStore
import Foundation

/// The signed audit chain: its entries, verification, breaks and their acknowledgement, the anchor and the heads peers witnessed.
struct AuditService: SiteService {
    let kernel: SiteKernel
}

/// The anchor file compared with the log.
enum AnchorCheck: Sendable {
    case missing
    case unreadable
    /// The anchored head; `state` is "current", "behind" or "mismatch" (the log no longer
    /// holds that entry as anchored: entries were replaced).
    case head(AuditHead, state: String)
}

/// What `cairn audit verify` reports.
struct AuditVerification: Sendable {
    let verdict: AuditChain.Verdict
    let anchor: AnchorCheck
    let breaks: AuditBreakLedger
    let problems: [String]
}

/// The whole log with its head signed by this device.
struct AuditExport: Sendable {
    let entries: [AuditRow]
    let seq: Int64
    let head: [UInt8]
    let signature: [UInt8]
    let exportedAt: Date
}

/// The audit log's part of `status`.
struct AuditSummary: Sendable {
    let headSeq: Int64
    let anchoredSeq: Int64?
    let unacknowledged: [AuditBreak]
    let breaks: AuditBreakLedger
    let witnessedBy: [(peer: String, seq: UInt64, at: Date)]
}

/// The audit log: entries, verification, breaks, export.
extension AuditService {
    /// Appends events found outside a commit group (by the store check) to the audit log.
    func recordEvents(_ events: [StartupEvent]) throws {
        try ledger.submitAndWait { context in
            for event in events { context.audit(event.kind, actor: "daemon", detail: event.detail) }
        }
    }

    /// Domain of the device's signature over an exported audit head.
    static let auditHeadDomain = Array("cairn/v1/audit-head\0".utf8)

    func auditEntries(after: Int64, limit: Int) throws -> [AuditRow] {
        try storeAccess { try database.auditEntries(after: after, limit: limit) }
    }

    /// Checks the whole chain, the anchor against it, and the recorded breaks. A cut made while
    /// the daemon runs is recorded first (`checkAuditTail`), so it shows here at once.
    func verifyAudit() throws -> AuditVerification {
        try checkAuditTail()
        let verdict = try storeAccess { try AuditChain.verify { visit in try database.forEachAudit(visit) } }
        var problems: [String] = []
        if let broken = verdict.broken {
            logger.error("audit.chain_broken", metadata: ["audit.seq": "\(broken.seq)", "reason": "\(broken.reason)"])
            problems.append("entry \(broken.seq): \(broken.reason)")
        }
        let anchor = try anchorCheck(head: verdict.broken == nil ? verdict.headSeq : nil)
        if case .head(let anchored, "mismatch") = anchor {
            problems.append(
                "the anchor file names entry \(anchored.seq), which the log does not hold as anchored: entries were replaced")
        }
        let ledger = ledger.read { $0.auditBreaks }
        let unacknowledged = ledger.unacknowledged
        for found in unacknowledged {
            problems.append(
                "chain break at entry \(found.seq) (\(found.source)): \(found.reason); "
                    + "acknowledge it with `cairn audit acknowledge --break \(found.seq)`")
        }
        let forged = AuditBreakLedger(rows: verdict.breakRows, device: identity.deviceID).invalidAcknowledgements
        for seq in forged {
            problems.append("entry \(seq) claims to acknowledge a chain break but is not signed by this device: it acknowledges nothing")
        }
        return AuditVerification(verdict: verdict, anchor: anchor, breaks: ledger, problems: problems)
    }

    /// The anchor file compared with the log. `head`: the last entry of a chain that verified.
    private func anchorCheck(head: Int64?) throws -> AnchorCheck {
        switch auditAnchor.read() {
        case .missing:
            return .missing
        case .unreadable:
            return .unreadable
        case .head(let anchored):
            let seq = Int64(anchored.seq)
            let entry = try storeAccess { try database.auditEntry(seq: seq) }
            return .head(anchored, state: entry?.hash != anchored.hash ? "mismatch" : (seq == (head ?? seq) ? "current" : "behind"))
        }
    }

    /// Acknowledges the chain break recorded at `seq`: an `audit.break_acknowledged` entry by
    /// `actor`, signed by this device. After it, the break no longer fails `verify`, `status`
    /// or the metric; the break entry itself stays in the log.
    func acknowledgeAuditBreak(_ seq: Int64, actor: String) throws -> (AuditBreak, in: AuditBreakLedger) {
        let keys = identity.keys
        try ledger.submitAndWait { context in
            guard let target = context.auditBreaks.breaks[seq], context.batch.audit.allSatisfy({ $0.seq != seq }) else {
                throw SiteError.refused(
                    .auditBreakNotFound, "entry \(seq) is not a chain break of this audit log; `cairn audit verify` lists the breaks")
            }
            guard context.auditBreaks.acknowledgements[seq] == nil else {
                throw SiteError.refused(.auditBreakAcknowledged, "the chain break at entry \(seq) is already acknowledged")
            }
            context.audit(AuditRow.acknowledgementKind, actor: actor, detail: AuditAcknowledgement.detail(for: target, keys: keys))
            if let row = context.batch.audit.last, let acknowledgement = AuditAcknowledgement(row) {
                context.auditBreaks.acknowledge(acknowledgement)
            }
        }
        logger.notice("audit.break_acknowledged", metadata: ["audit.seq": "\(seq)", "actor": "\(actor)"])
        let breaks = ledger.read { $0.auditBreaks }
        guard let found = breaks.breaks[seq] else {
            throw SiteError.failed("the acknowledged chain break at entry \(seq) is no longer recorded")
        }
        return (found, breaks)
    }

    /// At a graceful stop: a cut made while running is recorded, then the head is anchored
    /// durably (file and directory synced), so that the next start compares with it.
    func closeAuditLog() {
        do {
            try checkAuditTail()
            if let head = ledger.read({ $0.auditHead }) { try auditAnchor.publish(seq: head.seq, hash: head.hash, durable: true) }
        } catch {
            logger.error("audit.anchor_write_failed", metadata: .error(error))
        }
    }

    /// Every entry, with the head signed by this device. Refused when the chain does not verify:
    /// the device does not sign a log it knows to be damaged.
    func exportAudit() throws -> AuditExport {
        var entries: [AuditRow] = []
        try storeAccess { try database.forEachAudit { entries.append($0); return true } }
        let verdict = try AuditChain.verify { visit in for row in entries { guard try visit(row) else { return } } }
        if let broken = verdict.broken {
            throw SiteError.failed("the audit log is damaged at entry \(broken.seq) (\(broken.reason)); it is not signed")
        }
        let seq = entries.last?.seq ?? 0
        let message = Self.auditHeadDomain + withUnsafeBytes(of: UInt64(seq).bigEndian, Array.init) + verdict.head
        return AuditExport(
            entries: entries, seq: seq, head: verdict.head, signature: identity.keys.signing.signature(for: message), exportedAt: Date())
    }
}
