import CairnModel
import CairnStore
import Foundation
import Logging

/// Commits a ledger group's batch, keeping the audit log going when its tail was cut (or
/// extended) under the running daemon: the break is recorded and the chain continues from the
/// entry actually found last, so that writes keep working and the evidence stays in the log.
struct AuditedCommit: LedgerCommit {
    let store: any SiteStore
    let logger: Logger

    /// Commits the group's batch. When the store finds that the audit table no longer ends at
    /// the entry this daemon wrote last, the break is recorded in front of the group's entries,
    /// which are chained again after it, and the batch is committed once more (the failed
    /// attempt stored nothing). Any other failure fails the group.
    func commit(_ context: inout WriteContext) throws {
        let found: AuditPosition?
        do {
            try store.commit(context.batch)
            return
        } catch StoreError.auditChainMoved(_, let foundSeq, let foundHash) {
            found = foundSeq == 0 ? nil : (foundSeq, foundHash)
        } catch {
            throw failed(error)
        }
        let expected = AuditService.groupBase(context.batch.audit)
        context.rechainAudit(
            after: AuditTailBreak(expected: expected, source: .running, reason: AuditService.movedReason(expected: expected, found: found)),
            found: found)
        do {
            try store.commit(context.batch)
        } catch {
            throw failed(error)
        }
    }

    private func failed(_ error: any Error) -> SiteError {
        logger.error("store.commit_failed", metadata: .error(error))
        return SiteError.failed("the write could not be stored: \(error)")
    }
}

/// After each durable group: anchors the new head (the group appended entries) and reports
/// every break it recorded. A failed anchor write does not fail the group (its transaction is
/// durable; the anchor only lags, the safe direction): it is logged, counted and shown in
/// `status` until a later group writes the anchor again.
struct AuditAnchorKeeper: LedgerParticipant {
    let anchor: AuditAnchor
    let metrics: SiteMetrics
    let logger: Logger

    func committed(_ context: WriteContext) {
        for found in context.batch.audit.compactMap(AuditBreak.init) {
            logger.error(
                "audit.chain_break",
                metadata: [
                    "audit.seq": "\(found.seq)", "audit.source": "\(found.source)",
                    "audit.expected_seq": "\(found.expected.map { "\($0.seq)" } ?? "unknown")",
                    "audit.found_seq": "\(found.found?.seq ?? 0)",
                ])
            metrics.count("cairn_audit_chain_breaks_recorded_total", [("source", AuditService.metricSource(found.source))])
        }
        guard !context.batch.audit.isEmpty, let (seq, hash) = context.auditHead else { return }
        do {
            try anchor.publish(seq: seq, hash: hash)
        } catch {
            logger.error("audit.anchor_write_failed", metadata: .error(error, ["audit.seq": "\(seq)"]))
            metrics.count("cairn_audit_anchor_write_failures_total")
        }
    }
}

extension AuditService {
    /// Records a break now if the audit table no longer ends at the entry this daemon wrote
    /// last (for `status`, `verify` and metrics, which must show a cut even before the next
    /// write). One read of the last entry when nothing moved.
    func checkAuditTail() throws {
        let stored = try storeAccess { try database.auditHead() }
        guard !Self.sameHead(stored, ledger.read { $0.auditHead }) else { return }
        try ledger.submitAndWait { [self] context in
            // Entries of this group not yet committed: the commit itself checks the chain.
            guard context.batch.audit.isEmpty else { return }
            let stored = try database.auditHead()
            guard !Self.sameHead(stored, context.auditHead) else { return }
            let expected = context.auditHead
            context.recordBreak(
                AuditTailBreak(expected: expected, source: .running, reason: Self.movedReason(expected: expected, found: stored)),
                after: stored)
        }
    }

    /// What the group's entries chain to: the head the daemon held when the group began.
    static func groupBase(_ rows: [AuditRow]) -> AuditPosition? {
        guard let first = rows.first else { return nil }
        if let recorded = AuditBreak(first) { return recorded.found }
        return first.seq == 1 ? nil : (first.seq - 1, first.previous)
    }

    static func movedReason(expected: AuditPosition?, found: AuditPosition?) -> String {
        "the log ended at entry \(found?.seq ?? 0), not at entry \(expected?.seq ?? 0) that this daemon wrote last: "
            + "entries were removed or added outside the daemon"
    }

    static func sameHead(_ lhs: AuditPosition?, _ rhs: AuditPosition?) -> Bool {
        lhs?.seq == rhs?.seq && lhs?.hash == rhs?.hash
    }

    /// The `source` label of the break metrics: a bounded set (peer names are not labels here).
    static func metricSource(_ source: AuditBreak.Source) -> String {
        switch source {
        case .anchor: return "anchor"
        case .running: return "daemon"
        case .peer: return "peer"
        }
    }
}

extension WriteContext {
    /// Appends the entry recording `tailBreak` after `found` (the head the entry chains to) and
    /// notes the break.
    mutating func recordBreak(_ tailBreak: AuditTailBreak, after found: AuditPosition?) {
        let (row, recorded) = tailBreak.entry(after: found)
        batch.audit.append(row)
        auditHead = (row.seq, row.hash)
        auditBreaks.record(recorded)
    }

    /// Rebuilds the group's audit entries after the entry recording `tailBreak`, chained from
    /// `found` (the table's actual last entry). Breaks recorded earlier in the group are
    /// recorded again at their new positions.
    mutating func rechainAudit(after tailBreak: AuditTailBreak, found: AuditPosition?) {
        let rows = batch.audit
        batch.audit = []
        for row in rows { if let earlier = AuditBreak(row) { auditBreaks.forget(earlier) } }
        recordBreak(tailBreak, after: found)
        for row in rows {
            if let earlier = AuditBreak(row) {
                recordBreak(AuditTailBreak(expected: earlier.expected, source: earlier.source, reason: earlier.reason), after: auditHead)
            } else {
                let next = AuditChain.next(after: auditHead, at: row.at, kind: row.kind, actor: row.actor, detail: row.detail)
                batch.audit.append(next)
                auditHead = (next.seq, next.hash)
                if let acknowledgement = AuditAcknowledgement(next) { auditBreaks.acknowledge(acknowledgement) }
            }
        }
    }
}

extension AuditService {
    /// The audit log's part of `status`, and the problems it adds (a cut made while running is
    /// recorded first, so that it shows at once).
    func auditStatus() throws -> (AuditSummary, [String]) {
        try checkAuditTail()
        let (head, ledger) = self.ledger.read { ($0.auditHead, $0.auditBreaks) }
        let unacknowledged = ledger.unacknowledged
        var problems: [String] = []
        if !unacknowledged.isEmpty {
            let entries = unacknowledged.map { "\($0.seq)" }.joined(separator: ", ")
            problems.append(
                "the audit log has \(unacknowledged.count) unacknowledged chain break(s), at "
                    + "entr\(unacknowledged.count == 1 ? "y" : "ies") \(entries): its newest entries were cut off or replaced; "
                    + "read `cairn audit verify`, then acknowledge each with `cairn audit acknowledge --break SEQ`")
        }
        if let failure = auditAnchor.failure {
            problems.append("the audit anchor file could not be written (\(failure)); it lags the log until a later write succeeds")
        }
        let summary = AuditSummary(
            headSeq: head?.seq ?? 0, anchoredSeq: auditAnchor.latest.map { Int64($0.seq) }, unacknowledged: unacknowledged,
            breaks: ledger, witnessedBy: auditWitnesses.reports)
        return (summary, problems)
    }
}
