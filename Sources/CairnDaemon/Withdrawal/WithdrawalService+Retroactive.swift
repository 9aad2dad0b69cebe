import CairnCrypto
import CairnModel
import CairnProtocol
import CairnStore
import Foundation

/// Retroactive revocation: what a withdrawn device (revoked, or withdrawn by a charter
/// amendment) wrote from its withdrawal's effective time T on is withdrawn at every site that
/// learns of the withdrawal, including what the site accepted before it knew.
///
/// The rule, the same at every site: in each stream of the device, the first delta whose HLC
/// wall time is at or after T and every delta after it (they chain onto it) leave the store for
/// the quarantine, kept as evidence and never served, relayed or exported. The stream's head
/// moves back to the delta before, so each stream stays a contiguous prefix and the version
/// vector says exactly what is held: sites that learned the withdrawal end with equal vectors.
/// Every record those deltas touched is recomputed from the deltas that remain
/// (`RecordRebuild`), so record states are equal too.
///
/// The work is bounded per commit group (`WithdrawalDrain.limit` deltas, taken from the end of
/// each stream so that the head only ever moves back over whole suffixes). The group that
/// accepts a revocation or an amendment does the first share in its own transaction; the rest
/// goes to `WithdrawalDrain`, one group at a time. What is left is found again from the store
/// (stored deltas of withdrawn devices stamped at or after T), so a stop or crash half-way is
/// finished by the drain the daemon runs after every start.
extension WithdrawalService {
    /// Withdraws, inside the group, up to `budget` deltas that withdrawn devices wrote from
    /// their withdrawal on, and recomputes the records they touched. Returns true when more is
    /// left (then `context.withdrawalLeft` is set, so the drain continues after the commit).
    @discardableResult
    func withdrawRetroactively(in context: inout WriteContext, budget: Int) throws -> Bool {
        let cuts = try retroactiveCuts(in: context)
        guard !cuts.isEmpty else { return false }
        var left = max(1, budget)
        var more = false
        var touched: [[UInt8]] = []
        var seen: Set<[UInt8]> = []
        var withdrawn: [(stream: StreamID, from: UInt64, through: UInt64)] = []
        for (stream, cut) in cuts.sorted(by: { $0.key < $1.key }) {
            guard let head = context.streams[stream], head.sequence >= cut else { continue }
            guard left > 0 else {
                more = true
                break
            }
            // From the end of the stream back, so that what remains is always a prefix.
            let from = max(cut, head.sequence - min(head.sequence, UInt64(left)) + 1)
            left -= Int(head.sequence - from + 1)
            if from > cut { more = true }
            let stored = try storeRead(.revocation) {
                try database.recordKeys(author: stream.author.bytes, level: stream.level, from: from, through: head.sequence)
            }
            let inGroup = Set(
                context.batch.deltas.filter {
                    $0.author == stream.author.bytes && $0.level == stream.level && $0.sequence >= from
                }.map(\.id))
            let linked = context.batch.links.filter { inGroup.contains($0.deltaID) }.map(\.recordKey)
            for key in stored + linked where seen.insert(key).inserted { touched.append(key) }
            // Deltas of this group among them (stored by a job before the withdrawal was known)
            // no longer wait for a key: the store takes them out again at commit.
            if !inGroup.isEmpty {
                context.batch.unapplied.removeAll { inGroup.contains($0.deltaID) }
                for slot in Array(context.unappliedInGroup.keys) {
                    context.unappliedInGroup[slot]?.removeAll { inGroup.contains($0.id) }
                }
            }
            let newHead = try from == 1 ? nil : position(stream, sequence: from - 1, in: context)
            context.streams[stream] = newHead
            if stream.author == identity.deviceID { context.heads[stream.level] = newHead }
            context.batch.truncations.append(
                StreamTruncation(
                    author: stream.author.bytes, level: stream.level, fromSequence: from,
                    reason: "withdrawn: its author \(context.devices.displayName(stream.author)) was revoked from before it wrote it",
                    detectedAt: Int64(Date().timeIntervalSince1970 * 1000)))
            withdrawn.append((stream, from, head.sequence))
        }
        var outcome = (rebuilt: 0, removed: 0)
        for key in touched {
            switch try recompute(rowKey: key, cuts: cuts, in: &context) {
            case .rebuilt: outcome.rebuilt += 1
            case .removed: outcome.removed += 1
            case .unchanged: break
            }
        }
        report(withdrawn, outcome, in: &context)
        if more { context.withdrawalLeft = true }
        return more
    }

    /// Where each stream of every withdrawn device is cut: the lowest sequence held (stored or
    /// stored by this group) whose HLC wall time is at or after the withdrawal.
    func retroactiveCuts(in context: WriteContext) throws -> [StreamID: UInt64] {
        var cuts: [StreamID: UInt64] = [:]
        for certificate in context.devices.all {
            guard let withdrawal = context.withdrawals.withdrawal(of: certificate) else { continue }
            let since = Self.wallMillis(fromSeconds: withdrawal.effectiveAt)
            let author = certificate.deviceID
            let stored = try storeRead(.revocation) { try database.firstSequences(author: author.bytes, stampedFrom: since) }
            for (level, sequence) in stored { cuts[StreamID(author: author, level: level)] = sequence }
            for delta in context.batch.deltas where delta.author == author.bytes && delta.hlcWall >= since {
                let stream = StreamID(author: author, level: delta.level)
                cuts[stream] = min(cuts[stream] ?? delta.sequence, delta.sequence)
            }
        }
        return cuts
    }

    /// Whether `header` was written at or after its author's withdrawal (as this group knows
    /// it): such a delta is refused on arrival and never applied.
    func writtenAfterWithdrawal(_ header: DeltaHeader, in context: WriteContext) -> Bool {
        guard let author = context.devices.certificate(header.author),
            let withdrawal = context.withdrawals.withdrawal(of: author)
        else { return false }
        return header.hlc.wallMillis >= Self.wallMillis(fromSeconds: withdrawal.effectiveAt)
    }

    /// Unix seconds as HLC wall milliseconds (0 for a time before 1970, saturated far ahead).
    static func wallMillis(fromSeconds seconds: Int64) -> UInt64 {
        let (millis, overflow) = UInt64(clamping: max(0, seconds)).multipliedReportingOverflow(by: 1000)
        return overflow ? UInt64.max : millis
    }

    /// The head a stream gets when cut after `sequence`: that delta, stored by this group or
    /// earlier (or quarantined as damaged, its position still taken).
    private func position(_ stream: StreamID, sequence: UInt64, in context: WriteContext) throws -> StreamHead {
        if let delta = context.batch.deltas.last(where: {
            $0.author == stream.author.bytes && $0.level == stream.level && $0.sequence == sequence
        }) {
            return StreamHead(sequence: sequence, deltaID: delta.id)
        }
        let id = try storeRead(.revocation) {
            try database.positionID(author: stream.author.bytes, level: stream.level, sequence: sequence)
        }
        guard let id else {
            throw SiteError.failed("the store holds no delta at position \(sequence) of a withdrawn stream; it may be damaged")
        }
        return StreamHead(sequence: sequence, deltaID: id)
    }

    private func report(
        _ withdrawn: [(stream: StreamID, from: UInt64, through: UInt64)], _ outcome: (rebuilt: Int, removed: Int),
        in context: inout WriteContext
    ) {
        for (stream, from, through) in withdrawn {
            let device = context.devices.displayName(stream.author)
            let count = Int(through - from + 1)
            context.audit(
                "device.deltas_withdrawn", actor: "daemon",
                detail: ["device": device, "level": stream.level, "from": "\(from)", "through": "\(through)", "count": "\(count)"])
            metrics.count("cairn_deltas_withdrawn_total", [("level", stream.level)], by: count)
            logger.notice(
                "revocation.deltas_withdrawn",
                metadata: ["device": "\(device)", "delta.level": "\(stream.level)", "deltas": "\(count)", "delta.from": "\(from)"])
        }
        if outcome.rebuilt + outcome.removed > 0 {
            metrics.count("cairn_records_recomputed_total", [("outcome", "rebuilt")], by: outcome.rebuilt)
            metrics.count("cairn_records_recomputed_total", [("outcome", "removed")], by: outcome.removed)
            logger.notice(
                "revocation.records_recomputed", metadata: ["records.rebuilt": "\(outcome.rebuilt)", "records.removed": "\(outcome.removed)"])
        }
    }

    /// One group of `WithdrawalDrain`. Returns whether more is left.
    func withdrawRetroactivelyGroup(budget: Int) async throws -> Bool {
        try await ledger.submit { [self] context in
            try withdrawRetroactively(in: &context, budget: budget)
        }
    }
}
