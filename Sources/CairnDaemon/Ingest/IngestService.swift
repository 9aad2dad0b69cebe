import CairnCrypto
import CairnModel
import CairnProtocol
import CairnStore
import CairnTrust
import Dispatch
import Foundation
import Synchronization

/// Receiving deltas from peers and bundles: checked, placed in their streams, applied once their key is held.
struct IngestService: SiteService {
    let kernel: SiteKernel
}

/// What became of one batch of received deltas: the counts a peer is acknowledged with, and
/// the reasons for every refusal (audited as one entry per reason and batch).
struct IngestReport: Sendable {
    /// Deltas of the batch stored now.
    var stored = 0
    /// Deltas received earlier that waited for a predecessor and were stored now.
    var released = 0
    var duplicate = 0
    var pending = 0
    var refused = 0
    /// Refusal reason (a `DeltaRefusal` raw value: reports travel and are counted by code) → how many.
    var refusals: [String: Int] = [:]
    /// Levels of the deltas stored, for metrics.
    var storedByLevel: [String: Int] = [:]
    /// Equivocations seen: stream and sequence.
    var equivocations: [(stream: StreamID, sequence: UInt64)] = []
    /// Highest sequence per stream among the verified deltas: the sender holds its streams up
    /// to there (a replica holds prefixes), so nothing below needs to be sent back to it.
    var senderHolds: [StreamID: UInt64] = [:]

    mutating func refuse(_ reason: DeltaRefusal) {
        refused += 1
        refusals[reason.rawValue, default: 0] += 1
    }
}

/// Who sent a batch, as far as ingest needs to know.
struct DeltaSource: Sendable {
    /// `agency/name` of the connected peer (or `bundle:…` later).
    let name: String
    /// The peer's certified clearance: it may not send anything above it.
    let clearance: String
}

extension IngestService {
    /// Verifies received envelopes and stores what is valid in one durable group.
    ///
    /// Everything that can be checked without the store is checked first, outside the commit
    /// queue: size and structure, the level (known, within the sender's clearance and ours), the
    /// author (a certified member, cleared for the level, certificate not expired when the delta
    /// was written), and the signature. Only verified deltas reach the store, where the chain is
    /// checked against the stream's head: a duplicate is skipped, a delta whose predecessor is
    /// missing waits (bounded), and a second delta at a taken position is kept as evidence of
    /// equivocation and refused.
    func ingest(_ envelopes: [[UInt8]], from source: DeltaSource, now: Int64 = Int64(Date().timeIntervalSince1970)) throws -> IngestReport {
        let (accepted, report) = check(envelopes, from: source)
        guard !accepted.isEmpty || !report.refusals.isEmpty else { return report }
        let final = try ledger.submitAndWait(storing(accepted, report: report, from: source, now: now))
        record(final, from: source)
        return final
    }

    /// `ingest` without waiting for the store: the envelopes are checked on the calling thread,
    /// the store work is queued on the ledger, and `done` gets the report once the group is
    /// durable (on the ledger's queue: it must only hand the result on). A link verifies its
    /// next batch while this one is stored, and batches queued together share one commit. The
    /// caller counts and logs the refusals (`record`) once the report is off the ledger's queue.
    func ingest(
        _ envelopes: [[UInt8]], from source: DeltaSource, now: Int64 = Int64(Date().timeIntervalSince1970),
        done: @escaping @Sendable (Result<IngestReport, any Error>) -> Void
    ) {
        let (accepted, report) = check(envelopes, from: source)
        guard !accepted.isEmpty || !report.refusals.isEmpty else {
            done(.success(report))
            return
        }
        ledger.submit(storing(accepted, report: report, from: source, now: now), done: done)
    }

    /// The checks that need no store, on every core (`DeltaCheck.checkAll`): the deltas that
    /// passed, and the report with the refusals so far.
    func check(_ envelopes: [[UInt8]], from source: DeltaSource) -> ([SealedDelta], IngestReport) {
        var report = IngestReport()
        let (devices, withdrawals) = ledger.read { ($0.devices, $0.withdrawals) }
        var verified: [SealedDelta] = []
        let check = DeltaCheck(
            levels: identity.levels, senderClearance: source.clearance, ourClearance: identity.clearance, devices: devices,
            withdrawals: withdrawals)
        for result in check.checkAll(envelopes) {
            switch result {
            case .success(let delta): verified.append(delta)
            case .failure(let refusal): report.refuse(refusal)
            }
        }
        return (verified, report)
    }

    /// The ledger job that places checked deltas, audits the refusals and returns the report.
    private func storing(
        _ accepted: [SealedDelta], report: IngestReport, from source: DeltaSource, now: Int64
    ) -> @Sendable (inout WriteContext) throws -> IngestReport {
        { [self] context in
            var report = report
            prefetch(accepted.filter { delta in
                delta.header.sequence > context.streams[StreamID(author: delta.header.author, level: delta.header.level)]?.sequence ?? 0
            }, in: &context)
            defer { context.prefetched.clear() }
            for delta in accepted {
                try storeReceived(delta, report: &report, in: &context)
                let stream = StreamID(author: delta.header.author, level: delta.header.level)
                report.senderHolds[stream] = max(report.senderHolds[stream] ?? 0, delta.header.sequence)
            }
            // Only a grant received in this group can make a withdrawn or uncleared device
            // a holder of the current epoch; the others leave the invariant as it was.
            if !context.batch.grants.isEmpty { keys.rotateExposedKeys(in: &context, now: now) }
            keys.issueGrants(in: &context)
            for (reason, count) in report.refusals.sorted(by: { $0.key < $1.key }) {
                context.audit(
                    "sync.delta_refused", actor: "peer:\(source.name)", detail: ["reason": reason, "count": "\(count)"])
            }
            for (stream, sequence) in report.equivocations {
                context.audit(
                    "sync.equivocation", actor: "peer:\(source.name)",
                    detail: [
                        "author": context.devices.displayName(stream.author), "level": stream.level,
                        "sequence": "\(sequence)",
                    ])
            }
            return report
        }
    }

    /// Counts a finished batch's refusals and logs them (counts and reasons only).
    func record(_ report: IngestReport, from source: DeltaSource) {
        for (reason, count) in report.refusals {
            metrics.count("cairn_deltas_rejected_total", [("reason", reason)], by: count)
        }
        if report.refused > 0 {
            logger.warning(
                "sync.deltas_refused",
                metadata: ["peer": "\(source.name)", "refused": "\(report.refused)", "reasons": "\(report.refusals)"])
        }
    }

    /// Places one verified delta: duplicate, equivocation, waiting, or stored (and applied when
    /// its key is held), followed by whatever was waiting for it. Throws (failing the batch)
    /// when the store cannot be read.
    private func storeReceived(_ delta: SealedDelta, report: inout IngestReport, in context: inout WriteContext) throws {
        // Checked again in the group: its author may have been withdrawn after the batch was
        // verified (by a revocation accepted since, perhaps earlier in this very group).
        if withdrawal.writtenAfterWithdrawal(delta.header, in: context) {
            report.refuse(.authorRevoked)
            return
        }
        let stream = StreamID(author: delta.header.author, level: delta.header.level)
        let sequence = delta.header.sequence
        let head = context.streams[stream]
        let held = head?.sequence ?? 0
        if sequence <= held {
            if held == sequence, head?.deltaID == delta.id {
                report.duplicate += 1
            } else if let stored = try storedID(stream: stream, sequence: sequence, in: context), stored == delta.id {
                report.duplicate += 1
            } else {
                keepEvidence(delta, reason: "equivocation: another delta holds this position", in: &context)
                report.equivocations.append((stream, sequence))
                report.refuse(.equivocation)
            }
            return
        }
        if sequence > held + 1 {
            do {
                _ = try context.waiting.hold(
                    stream: stream, sequence: sequence, id: delta.id, previous: delta.header.previous,
                    envelope: delta.envelope, currentHead: held)
                report.pending += 1
            } catch SyncError.pendingFull {
                report.refuse(.waitingFull)
            } catch {
                report.refuse(.gapTooLarge)
            }
            return
        }
        guard delta.header.previous == (head?.deltaID ?? []) else {
            keepEvidence(delta, reason: "equivocation: its predecessor is not the delta held", in: &context)
            report.equivocations.append((stream, sequence))
            report.refuse(.equivocation)
            return
        }
        try accept(delta, in: &context)
        report.stored += 1
        report.storedByLevel[stream.level, default: 0] += 1
        // Whatever was waiting for this delta follows it now.
        let released = context.waiting.release(stream: stream, head: StreamHead(sequence: sequence, deltaID: delta.id))
        var cut = false
        for held in released.released {
            // Harmless: these bytes parsed when they arrived, so parsing again cannot fail.
            guard !cut, let next = try? SealedDelta.parse(held.envelope) else { continue }
            // One written after its author's withdrawal ends the run: the rest chain onto it.
            if withdrawal.writtenAfterWithdrawal(next.header, in: context) { cut = true }
            if cut {
                report.refuse(.authorRevoked)
                continue
            }
            try accept(next, in: &context)
            report.released += 1
            report.storedByLevel[stream.level, default: 0] += 1
        }
        for held in released.forks {
            // Harmless, as above.
            guard let fork = try? SealedDelta.parse(held.envelope) else { continue }
            keepEvidence(fork, reason: "equivocation: a waiting delta does not follow the chain", in: &context)
            report.equivocations.append((stream, fork.header.sequence))
            report.refuse(.equivocation)
        }
    }

    /// The id held at a position, to tell a duplicate from equivocation: a store that cannot be
    /// read fails the batch (it must not turn an honest duplicate into evidence, or the reverse).
    private func storedID(stream: StreamID, sequence: UInt64, in context: WriteContext) throws -> [UInt8]? {
        if let inGroup = context.batch.deltas.first(where: {
            $0.author == stream.author.bytes && $0.level == stream.level && $0.sequence == sequence
        }) {
            return inGroup.id
        }
        return try storeRead(.ingest) {
            try database.delta(author: stream.author.bytes, level: stream.level, sequence: sequence)
        }?.id
    }

    private func keepEvidence(_ delta: SealedDelta, reason: String, in context: inout WriteContext) {
        guard !context.batch.evidence.contains(where: { $0.deltaID == delta.id }) else { return }
        let now = Int64(Date().timeIntervalSince1970 * 1000)
        context.batch.evidence.append(
            QuarantineRow(
                deltaID: delta.id, author: delta.header.author.bytes, level: delta.header.level,
                sequence: delta.header.sequence, kind: delta.header.kind.rawValue, envelope: delta.envelope,
                receivedAt: now, reason: reason, detectedAt: now))
        logger.error(
            "sync.equivocation",
            metadata: [
                "delta.author": "\(context.devices.displayName(delta.header.author))", "delta.level": "\(delta.header.level)",
                "delta.sequence": "\(delta.header.sequence)",
            ])
    }

    /// Stores a delta that extends its stream and applies it: a grant records who holds which
    /// key (and gives us the key when it is for us); records are merged when the key is held
    /// and wait for it otherwise.
    private func accept(_ delta: SealedDelta, in context: inout WriteContext) throws {
        let now = Int64(Date().timeIntervalSince1970)
        let own = delta.header.author == identity.deviceID
        context.append(delta, receivedAt: now, own: own)
        do {
            try context.clock.observe(delta.header.hlc)
        } catch {
            logger.warning("sync.clock_skew", metadata: ["delta.author": "\(context.devices.displayName(delta.header.author))"])
        }
        switch delta.header.kind {
        case .grant:
            try receiveGrant(delta, in: &context)
        case .records:
            // A redacted delta (its record withdrawn from the level) is kept for its stream and
            // relayed as it is; there is nothing to apply.
            guard !delta.isRedacted, let epoch = delta.header.epoch else { return }
            if let key = context.keyring.key(level: delta.header.level, epoch: epoch) {
                try apply(delta, key: key, in: &context)
            } else {
                context.batch.unapplied.append(
                    UnappliedDelta(deltaID: delta.id, level: delta.header.level, epochNumber: epoch.number, epochKeyID: epoch.keyID))
                context.unappliedInGroup[EpochSlot(level: delta.header.level, epoch: epoch), default: []].append(delta)
            }
        }
    }

    /// Applies the deltas that were waiting for this key: those earlier in the group, and the
    /// first `backlog.limit` stored ones. A larger backlog (a laptop back after weeks, a new
    /// site's first sync: a million deltas can wait for one grant) is left to `BacklogDrain`,
    /// one bounded group at a time after this one commits: applied in one group it held every
    /// delta and record in memory at once (7.8 GB for a million) and kept the link from
    /// acknowledging anything for minutes. Returns how many stored deltas it took.
    @discardableResult
    func applyWaiting(for slot: EpochSlot, key: XChaCha20Poly1305.Key, in context: inout WriteContext) throws -> Int {
        var waitingDeltas: [SealedDelta] = []
        let limit = backlog.limit
        // A store that cannot list the waiting deltas fails the group: marking the key's backlog
        // done while nothing was applied would leave those records missing until a restart.
        let stored = try storeRead(.ingest) {
            try database.unappliedDeltas(level: slot.level, epochNumber: slot.epoch.number, epochKeyID: slot.epoch.keyID, limit: limit)
        }
        for row in stored {
            do {
                waitingDeltas.append(try SealedDelta.parse(row.envelope))
            } catch {
                storeFailed(.ingest, error)
                throw SiteError.failed("a stored delta does not parse (\(error)); the store may be damaged")
            }
        }
        context.batch.applied += stored.map(\.id)
        let taken = stored.count
        if stored.count >= limit { context.backlogLeft.insert(slot) }
        if let inGroup = context.unappliedInGroup.removeValue(forKey: slot) {
            waitingDeltas += inGroup
            let ids = Set(inGroup.map(\.id))
            context.batch.unapplied.removeAll { ids.contains($0.deltaID) }
        }
        // In runs: a run's records are read ahead in a few statements, and at most one run of
        // opened changes is held in memory.
        let started = DispatchTime.now()
        defer {
            if waitingDeltas.count >= Self.applyRun {
                let millis = (DispatchTime.now().uptimeNanoseconds - started.uptimeNanoseconds) / 1_000_000
                logger.log(
                    level: context.backlogLeft.contains(slot) ? .debug : .info, "keys.backlog_applied",
                    metadata: [
                        "key.level": "\(slot.level)", "deltas": "\(waitingDeltas.count)", "elapsed_ms": "\(millis)",
                        "more": "\(context.backlogLeft.contains(slot))",
                    ])
            }
        }
        var start = 0
        while start < waitingDeltas.count {
            let run = waitingDeltas[start..<min(start + Self.applyRun, waitingDeltas.count)]
            start += run.count
            prefetch(Array(run), in: &context)
            for delta in run { try apply(delta, key: key, in: &context) }
            context.prefetched.clear()
        }
        return taken
    }

    /// One group of `BacklogDrain`: applies the next stored deltas waiting for a held key.
    /// Returns how many it took (0: none left, or the key is not held).
    func applyBacklogGroup(_ slot: EpochSlot) async throws -> Int {
        try await ledger.submit { [self] context in
            guard let key = context.keyring.key(level: slot.level, epoch: slot.epoch) else { return 0 }
            return try applyWaiting(for: slot, key: key, in: &context)
        }
    }
}
