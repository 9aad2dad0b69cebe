import CairnControl
import CairnModel
import CairnStore
import Foundation

/// The audit routes' documents, and the audit part of `status`, from the audit service.
extension DocumentMapping {
    static func document(_ found: AuditBreak, in ledger: AuditBreakLedger) -> AuditBreakDocument {
        let acknowledgement = ledger.acknowledgements[found.seq]
        func time(_ millis: Int64) -> String { DocumentMapping.time(millis: UInt64(max(0, millis))) }
        return AuditBreakDocument(
            seq: found.seq, at: time(found.at), source: "\(found.source)", reason: found.reason,
            expectedSeq: found.expected?.seq, expectedHash: found.expected.map { Hex.encode($0.hash) },
            foundSeq: found.found?.seq ?? 0, foundHash: found.found.map { Hex.encode($0.hash) },
            acknowledged: acknowledgement != nil, acknowledgedBy: acknowledgement?.actor,
            acknowledgedAt: acknowledgement.map { time($0.at) }, acknowledgement: acknowledgement?.seq)
    }

    static func document(_ row: AuditRow) -> AuditEntryDocument {
        AuditEntryDocument(
            seq: row.seq, atMillis: row.at, at: DocumentMapping.time(millis: UInt64(max(0, row.at))), kind: row.kind,
            actor: row.actor, detail: row.detail, previous: Hex.encode(row.previous), hash: Hex.encode(row.hash))
    }

    static func document(_ verification: AuditVerification) -> AuditVerifyDocument {
        let verdict = verification.verdict
        let ledger = verification.breaks
        return AuditVerifyDocument(
            ok: verification.problems.isEmpty, entries: verdict.entries, head: Hex.encode(verdict.head),
            brokenAt: verdict.broken?.seq, problem: verdict.broken.map { "entry \($0.seq): \($0.reason)" }, headSeq: verdict.headSeq,
            anchor: document(verification.anchor), breaks: ledger.all.map { document($0, in: ledger) }, problems: verification.problems)
    }

    static func document(_ anchor: AnchorCheck) -> AuditAnchorDocument {
        switch anchor {
        case .missing: return AuditAnchorDocument(state: "missing")
        case .unreadable: return AuditAnchorDocument(state: "unreadable")
        case .head(let anchored, let state):
            return AuditAnchorDocument(
                state: state, seq: Int64(anchored.seq), hash: Hex.encode(anchored.hash), signedAt: time(millis: anchored.signedAt))
        }
    }

    func document(_ export: AuditExport) -> AuditExportDocument {
        AuditExportDocument(
            device: .init(ref: identity.ref, signingKey: Hex.encode(identity.keys.signing.publicKey.bytes)),
            exportedAt: Self.time(export.exportedAt), entries: export.entries.map(Self.document),
            head: .init(seq: export.seq, hash: Hex.encode(export.head), signature: Hex.encode(export.signature)))
    }

    static func document(_ summary: AuditSummary) -> AuditStatusDocument {
        AuditStatusDocument(
            headSeq: summary.headSeq, anchoredSeq: summary.anchoredSeq,
            unacknowledgedBreaks: summary.unacknowledged.map { document($0, in: summary.breaks) },
            witnessedBy: summary.witnessedBy.map { AuditWitnessDocument(peer: $0.peer, seq: Int64($0.seq), at: time($0.at)) })
    }
}
