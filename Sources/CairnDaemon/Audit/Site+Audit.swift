import CairnControl
import CairnCrypto
import CairnModel
import CairnStore
import Foundation

/// The audit routes of the control API.
extension Site {
    /// Domain of the device's signature over an exported audit head.
    static let auditHeadDomain = Array("cairn/v1/audit-head\0".utf8)

    func auditEntries(after: Int64, limit: Int) throws -> [AuditEntryDocument] {
        try storeAccess { try database.auditEntries(after: after, limit: limit) }.map(Self.document)
    }

    func verifyAudit() throws -> AuditVerifyDocument {
        let verdict = try storeAccess { try AuditChain.verify { visit in try database.forEachAudit(visit) } }
        if let broken = verdict.broken {
            logger.error("audit.chain_broken", metadata: ["audit.seq": "\(broken.seq)", "reason": "\(broken.reason)"])
        }
        return AuditVerifyDocument(
            ok: verdict.broken == nil, entries: verdict.entries, head: Hex.encode(verdict.head),
            brokenAt: verdict.broken?.seq, problem: verdict.broken.map { "entry \($0.seq): \($0.reason)" })
    }

    /// Every entry, with the head signed by this device. Refused when the chain does not verify:
    /// the device does not sign a log it knows to be damaged.
    func exportAudit() throws -> AuditExportDocument {
        var entries: [AuditRow] = []
        try storeAccess { try database.forEachAudit { entries.append($0); return true } }
        let verdict = try AuditChain.verify { visit in for row in entries { guard try visit(row) else { return } } }
        if let broken = verdict.broken {
            throw DaemonError.request(.internal, "the audit log is damaged at entry \(broken.seq) (\(broken.reason)); it is not signed")
        }
        let seq = entries.last?.seq ?? 0
        let message = Self.auditHeadDomain + withUnsafeBytes(of: UInt64(seq).bigEndian, Array.init) + verdict.head
        return AuditExportDocument(
            device: .init(ref: identity.ref, signingKey: Hex.encode(identity.keys.signing.publicKey.bytes)),
            exportedAt: DocumentMapping.time(Date()), entries: entries.map(Self.document),
            head: .init(seq: seq, hash: Hex.encode(verdict.head), signature: Hex.encode(identity.keys.signing.signature(for: message))))
    }

    static func document(_ row: AuditRow) -> AuditEntryDocument {
        AuditEntryDocument(
            seq: row.seq, atMillis: row.at, at: DocumentMapping.time(millis: UInt64(max(0, row.at))), kind: row.kind,
            actor: row.actor, detail: row.detail, previous: Hex.encode(row.previous), hash: Hex.encode(row.hash))
    }
}
