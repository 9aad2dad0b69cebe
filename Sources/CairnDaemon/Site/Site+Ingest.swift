import CairnCrypto
import CairnModel
import CairnProtocol
import CairnStore
import CairnTrust
import Dispatch
import Foundation
import Synchronization

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
    /// Refusal reason (a stable code) → how many.
    var refusals: [String: Int] = [:]
    /// Levels of the deltas stored, for metrics.
    var storedByLevel: [String: Int] = [:]
    /// Equivocations seen: stream and sequence.
    var equivocations: [(stream: StreamID, sequence: UInt64)] = []
    /// Highest sequence per stream among the verified deltas: the sender holds its streams up
    /// to there (a replica holds prefixes), so nothing below needs to be sent back to it.
    var senderHolds: [StreamID: UInt64] = [:]

    mutating func refuse(_ reason: String) {
        refused += 1
        refusals[reason, default: 0] += 1
    }
}

/// Who sent a batch, as far as ingest needs to know.
struct DeltaSource: Sendable {
    /// `agency/name` of the connected peer (or `bundle:…` later).
    let name: String
    /// The peer's certified clearance: it may not send anything above it.
    let clearance: String
}

extension Site {
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
        var report = IngestReport()
        let devices = state.withLock { $0.devices }
        var verified: [SealedDelta] = []
        for result in checkAll(envelopes, from: source, devices: devices, now: now) {
            switch result {
            case .success(let delta): verified.append(delta)
            case .failure(let refusal): report.refuse(refusal.code)
            }
        }
        let box = ReportBox(report)
        let accepted = verified
        if !verified.isEmpty || !report.refusals.isEmpty {
            _ = try writes.submit({ [self] context in
                var report = box.value
                for delta in accepted {
                    storeReceived(delta, report: &report, in: &context)
                    let stream = StreamID(author: delta.header.author, level: delta.header.level)
                    report.senderHolds[stream] = max(report.senderHolds[stream] ?? 0, delta.header.sequence)
                }
                issueGrants(in: &context)
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
                box.value = report
                return (nil, false)
            }, run: runGroup)
        }
        let final = box.value
        for (reason, count) in final.refusals {
            metrics.count("cairn_deltas_rejected_total", [("reason", reason)], by: count)
        }
        if final.refused > 0 {
            logger.warning(
                "sync.deltas_refused",
                metadata: ["peer": "\(source.name)", "refused": "\(final.refused)", "reasons": "\(final.refusals)"])
        }
        return final
    }

    /// A reason to refuse a received delta, with a stable code for metrics and the audit log.
    struct Refusal: Error {
        let code: String
    }

    /// Checks a batch on every core: signature verification is the dominant cost of receiving
    /// a delta (about 50 µs each) and each check is independent. Results keep the batch's order.
    private func checkAll(
        _ envelopes: [[UInt8]], from source: DeltaSource, devices: KnownDevices, now: Int64
    ) -> [Result<SealedDelta, Refusal>] {
        let chunk = 32
        guard envelopes.count > chunk else {
            return envelopes.map { check($0, from: source, devices: devices, now: now) }
        }
        let chunks = (envelopes.count + chunk - 1) / chunk
        let results = CheckResults(count: envelopes.count)
        DispatchQueue.concurrentPerform(iterations: chunks) { index in
            let range = index * chunk..<min(envelopes.count, (index + 1) * chunk)
            for position in range {
                results.set(position, check(envelopes[position], from: source, devices: devices, now: now))
            }
        }
        return results.all
    }

    private func check(
        _ envelope: [UInt8], from source: DeltaSource, devices: KnownDevices, now: Int64
    ) -> Result<SealedDelta, Refusal> {
        let delta: SealedDelta
        do {
            delta = try SealedDelta.parse(envelope)
        } catch {
            return .failure(Refusal(code: "malformed"))
        }
        let level = delta.header.level
        let levels = identity.levels
        guard levels.contains(level) else { return .failure(Refusal(code: "unknown_level")) }
        guard levels.isAtOrBelow(level, source.clearance) else { return .failure(Refusal(code: "above_sender_clearance")) }
        guard levels.isAtOrBelow(level, identity.clearance) else { return .failure(Refusal(code: "above_our_clearance")) }
        guard let author = devices.certificate(delta.header.author) else {
            return .failure(Refusal(code: "unknown_author"))
        }
        guard levels.isAtOrBelow(level, author.clearance) else { return .failure(Refusal(code: "above_author_clearance")) }
        // The author's certificate must have been valid when the delta was written (its HLC
        // wall time), so that old deltas of a since-expired device stay acceptable.
        let writtenAt = Int64(clamping: delta.header.hlc.wallMillis / 1000)
        guard writtenAt >= author.notBefore - 300, writtenAt < author.notAfter else {
            return .failure(Refusal(code: "author_certificate_not_valid"))
        }
        do {
            try delta.verify(authorKey: author.signingKey)
        } catch {
            return .failure(Refusal(code: "bad_signature"))
        }
        return .success(delta)
    }

    /// Places one verified delta: duplicate, equivocation, waiting, or stored (and applied when
    /// its key is held), followed by whatever was waiting for it.
    private func storeReceived(_ delta: SealedDelta, report: inout IngestReport, in context: inout WriteContext) {
        let stream = StreamID(author: delta.header.author, level: delta.header.level)
        let sequence = delta.header.sequence
        let head = context.streams[stream]
        let held = head?.sequence ?? 0
        if sequence <= held {
            if held == sequence, head?.deltaID == delta.id {
                report.duplicate += 1
            } else if let stored = storedID(stream: stream, sequence: sequence, in: context), stored == delta.id {
                report.duplicate += 1
            } else {
                keepEvidence(delta, reason: "equivocation: another delta holds this position", in: &context)
                report.equivocations.append((stream, sequence))
                report.refuse("equivocation")
            }
            return
        }
        if sequence > held + 1 {
            do {
                _ = try waiting.withLock { pending in
                    try pending.hold(
                        stream: stream, sequence: sequence, id: delta.id, previous: delta.header.previous,
                        envelope: delta.envelope, currentHead: held)
                }
                report.pending += 1
            } catch SyncError.pendingFull {
                report.refuse("waiting_full")
            } catch {
                report.refuse("gap_too_large")
            }
            return
        }
        guard delta.header.previous == (head?.deltaID ?? []) else {
            keepEvidence(delta, reason: "equivocation: its predecessor is not the delta held", in: &context)
            report.equivocations.append((stream, sequence))
            report.refuse("equivocation")
            return
        }
        accept(delta, in: &context)
        report.stored += 1
        report.storedByLevel[stream.level, default: 0] += 1
        // Whatever was waiting for this delta follows it now.
        let released = waiting.withLock { $0.release(stream: stream, head: StreamHead(sequence: sequence, deltaID: delta.id)) }
        for held in released.released {
            guard let next = try? SealedDelta.parse(held.envelope) else { continue }
            accept(next, in: &context)
            report.released += 1
            report.storedByLevel[stream.level, default: 0] += 1
        }
        for held in released.forks {
            guard let fork = try? SealedDelta.parse(held.envelope) else { continue }
            keepEvidence(fork, reason: "equivocation: a waiting delta does not follow the chain", in: &context)
            report.equivocations.append((stream, fork.header.sequence))
            report.refuse("equivocation")
        }
    }

    private func storedID(stream: StreamID, sequence: UInt64, in context: WriteContext) -> [UInt8]? {
        if let inGroup = context.batch.deltas.first(where: {
            $0.author == stream.author.bytes && $0.level == stream.level && $0.sequence == sequence
        }) {
            return inGroup.id
        }
        return (try? database.delta(author: stream.author.bytes, level: stream.level, sequence: sequence))??.id
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
    private func accept(_ delta: SealedDelta, in context: inout WriteContext) {
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
            receiveGrant(delta, in: &context)
        case .records:
            guard let epoch = delta.header.epoch else { return }
            if let key = context.keyring.key(level: delta.header.level, epoch: epoch) {
                apply(delta, key: key, in: &context)
            } else {
                context.batch.unapplied.append(
                    UnappliedDelta(deltaID: delta.id, level: delta.header.level, epochNumber: epoch.number, epochKeyID: epoch.keyID))
                context.unappliedInGroup[EpochSlot(level: delta.header.level, epoch: epoch), default: []].append(delta)
            }
        }
    }

    private func receiveGrant(_ delta: SealedDelta, in context: inout WriteContext) {
        guard let grant = try? EpochGrant.read(from: delta) else {
            logger.warning("sync.grant_unreadable", metadata: ["delta.level": "\(delta.header.level)"])
            return
        }
        let seen = GrantSeen(grant)
        if context.grantsSeen.insert(seen).inserted { context.batch.grants.append(seen) }
        guard grant.recipient == identity.deviceID, context.keyring.key(level: grant.level, epoch: grant.epoch) == nil else { return }
        let key: XChaCha20Poly1305.Key
        do {
            key = try grant.openKey(with: identity.keys.wrapping)
        } catch {
            logger.error("keys.grant_unopenable", metadata: ["key.level": "\(grant.level)", "error": "\(error)"])
            return
        }
        context.keyring.insert(level: grant.level, epoch: grant.epoch, key: key)
        context.batch.epochKeys.append(
            EpochKeyRow(
                level: grant.level, number: grant.epoch.number, keyID: grant.epoch.keyID, sealed: grant.sealedKey,
                createdAt: Int64(Date().timeIntervalSince1970)))
        context.audit(
            "keys.received", actor: "peer:\(context.devices.displayName(delta.header.author))",
            detail: ["level": grant.level, "epoch": "\(grant.epoch.number)"])
        applyWaiting(for: EpochSlot(level: grant.level, epoch: grant.epoch), key: key, in: &context)
    }

    /// Applies every delta that was waiting for this key: stored earlier or earlier in the group.
    private func applyWaiting(for slot: EpochSlot, key: XChaCha20Poly1305.Key, in context: inout WriteContext) {
        var waitingDeltas: [SealedDelta] = []
        if let stored = try? database.unappliedDeltas(level: slot.level, epochNumber: slot.epoch.number, epochKeyID: slot.epoch.keyID) {
            for row in stored {
                if let delta = try? SealedDelta.parse(row.envelope) { waitingDeltas.append(delta) }
            }
            context.batch.applied += stored.map(\.id)
        }
        if let inGroup = context.unappliedInGroup.removeValue(forKey: slot) {
            waitingDeltas += inGroup
            let ids = Set(inGroup.map(\.id))
            context.batch.unapplied.removeAll { ids.contains($0.deltaID) }
        }
        for delta in waitingDeltas {
            apply(delta, key: key, in: &context)
        }
    }

    /// Merges a RECORDS delta's operations into the records it touches.
    private func apply(_ delta: SealedDelta, key: XChaCha20Poly1305.Key, in context: inout WriteContext) {
        let change: Change
        do {
            change = try delta.open(key: key)
        } catch {
            // Signed by a certified author, yet unreadable: kept (it is part of the chain) and
            // reported, never applied.
            logger.error("sync.delta_unreadable", metadata: ["delta.level": "\(delta.header.level)", "error": "\(error)"])
            return
        }
        guard let (epoch, writeKey) = context.keyring.current(level: change.level) else { return }
        let now = Int64(Date().timeIntervalSince1970)
        var records: [RecordID: (state: RecordState, previous: RecordState?)] = [:]
        do {
            for operation in change.operations {
                let id = operation.record
                if records[id] == nil {
                    let previous = try context.pending[rowKey(id)] ?? loadState(id, keyring: context.keyring)
                    if let previous, previous.level != change.level {
                        throw ModelError.levelMismatch(id, recordLevel: previous.level, changeLevel: change.level)
                    }
                    records[id] = (previous ?? RecordState.new(id: id, level: change.level, first: change.stamp), previous)
                }
                try records[id]!.state.apply(operation, stamp: change.stamp)
            }
        } catch {
            logger.warning("sync.delta_not_applied", metadata: ["delta.level": "\(delta.header.level)", "error": "\(error)"])
            return
        }
        for (id, record) in records {
            context.stage(record.state, rowKey: rowKey(id), previous: record.previous, deltaID: delta.id, epoch: epoch, key: writeKey, at: now)
        }
    }
}

/// The results of a parallel check, one slot per envelope; each slot is written by exactly one
/// iteration, and read only after all have finished.
final class CheckResults: @unchecked Sendable {
    private var slots: [Result<SealedDelta, Site.Refusal>?]
    private let lock = NSLock()

    init(count: Int) {
        slots = Array(repeating: nil, count: count)
    }

    func set(_ index: Int, _ result: Result<SealedDelta, Site.Refusal>) {
        lock.withLock { slots[index] = result }
    }

    var all: [Result<SealedDelta, Site.Refusal>] {
        lock.withLock { slots.map { $0! } }
    }
}

/// Carries a job's report out of the commit group (written by the leader before the job is
/// signalled, read by the job's thread after).
final class ReportBox: @unchecked Sendable {
    var value: IngestReport
    init(_ value: IngestReport) { self.value = value }
}
