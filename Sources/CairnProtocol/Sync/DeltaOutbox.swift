import CairnModel

/// What we still have to send one peer, sent in bounded batches with a bounded number of them
/// unacknowledged (backpressure).
///
/// Ranges come from rounds (`enqueue`) and single fresh deltas from gossip (`push`); pushes of a
/// stream with nothing queued go ahead of the backlog so that new writes travel at once. Nothing
/// the peer is known to hold, nothing already in flight and nothing outside the common levels
/// is ever queued. The outbox holds sequence numbers only: `nextBatch` reads envelopes through
/// the caller's `fetch`, so it stays pure and the store stays the one copy.
public struct DeltaOutbox: Sendable {
    /// The levels the peer may be sent; anything else is dropped on the way in.
    public let commonLevels: Set<String>
    /// Batch size, window and frame bounds.
    public let limits: SyncLimits
    /// What was sent and what became of it, for metrics.
    public internal(set) var counters = OutboxCounters()

    struct Batch: Sendable {
        var ranges: [StreamRange]
        var count: Int
    }

    var queued: [StreamID: SequenceRanges] = [:]
    var urgent = StreamQueue()
    var backlog = StreamQueue()
    var inFlight: [UInt64: Batch] = [:]
    var inFlightRanges: [StreamID: SequenceRanges] = [:]
    var nextBatchID: UInt64 = 1

    /// An empty outbox for a peer sharing `commonLevels`.
    public init(commonLevels: Set<String>, limits: SyncLimits = .default) {
        self.commonLevels = commonLevels
        self.limits = limits
    }

    /// Nothing queued and nothing awaiting acknowledgement.
    public var isIdle: Bool { queued.isEmpty && inFlight.isEmpty }
    /// Batches sent and not yet acknowledged.
    public var unacknowledgedBatches: Int { inFlight.count }
    /// Streams with deltas queued.
    public var queuedStreams: Int { queued.count }
    /// Deltas queued (walks the queue: for metrics, not for every frame).
    public var queuedDeltas: UInt64 { queued.values.reduce(0) { $0 + $1.count } }

    /// Queues `ranges` (from `SessionOutput.ranges`), merged with what is queued per stream and
    /// clipped to what `peer` is not known to hold and is not in flight.
    public mutating func enqueue(_ ranges: [StreamRange], peer: PeerKnowledge) {
        for range in ranges where commonLevels.contains(range.stream.level) {
            var pieces = SequenceRanges()
            pieces.insert(range.sequences)
            pieces.removeThrough(peer.sequence(of: range.stream))
            for sent in inFlightRanges[range.stream]?.ranges ?? [] { pieces.subtract(sent) }
            guard !pieces.isEmpty else { continue }
            if var existing = queued[range.stream] {
                for piece in pieces.ranges { existing.insert(piece) }
                queued[range.stream] = existing
            } else {
                queued[range.stream] = pieces
                backlog.append(range.stream)
            }
        }
    }

    /// Queues one fresh delta (a local write, or one just received from another peer) unless
    /// the peer is known to hold it or it is already queued or in flight. Returns whether it
    /// was queued. A stream with nothing queued goes ahead of the backlog; otherwise the delta
    /// joins its stream's place, so that each stream still travels in sequence order.
    @discardableResult
    public mutating func push(stream: StreamID, sequence: UInt64, peer: PeerKnowledge) -> Bool {
        guard commonLevels.contains(stream.level), sequence > peer.sequence(of: stream),
            inFlightRanges[stream]?.contains(sequence) != true
        else { return false }
        if var existing = queued[stream] {
            guard !existing.contains(sequence) else { return false }
            existing.insert(sequence...sequence)
            queued[stream] = existing
        } else {
            var ranges = SequenceRanges()
            ranges.insert(sequence...sequence)
            queued[stream] = ranges
            urgent.append(stream)
        }
        return true
    }

    /// Takes note of the peer's `Ack`. Returns the ranges the peer now holds (for
    /// `ReconciliationSession.noteDelivered`) when it reports every delta of the batch stored or
    /// already held; nothing when some are pending or refused, since the counts do not say
    /// which. An ack of a batch already acknowledged or forgotten is ignored; one of a batch
    /// never sent, or whose counts do not add up, is refused.
    public mutating func acknowledge(_ ack: AckCounts) throws(SyncError) -> [StreamRange] {
        guard let batch = inFlight[ack.batch] else {
            guard ack.batch >= 1, ack.batch < nextBatchID else { throw .unknownBatch(ack.batch) }
            counters.lateAcks += 1
            return []
        }
        guard ack.total == UInt64(batch.count) else {
            throw .ackMismatch(batch: ack.batch, sent: batch.count, counted: ack.total)
        }
        inFlight[ack.batch] = nil
        release(batch)
        counters.deltasHeld += UInt64(ack.stored) + UInt64(ack.duplicate)
        counters.deltasPendingAtPeer += UInt64(ack.pending)
        counters.deltasRefusedByPeer += UInt64(ack.refused)
        return ack.allHeld ? batch.ranges : []
    }

    /// Gives up on every unacknowledged batch (the daemon's acknowledgement timeout): the window
    /// opens again, and what they held is offered again by the next round. Returns how many
    /// deltas they held.
    @discardableResult
    public mutating func forgetUnacknowledged() -> Int {
        let count = inFlight.values.reduce(0) { $0 + $1.count }
        counters.batchesForgotten += UInt64(inFlight.count)
        inFlight.removeAll()
        inFlightRanges.removeAll()
        return count
    }

    mutating func release(_ batch: Batch) {
        for range in batch.ranges {
            guard var sent = inFlightRanges[range.stream] else { continue }
            sent.subtract(range.sequences)
            inFlightRanges[range.stream] = sent.isEmpty ? nil : sent
        }
    }
}

/// Running totals of one outbox, for metrics.
public struct OutboxCounters: Hashable, Sendable {
    /// `Deltas` frames produced.
    public var batchesSent: UInt64 = 0
    /// Deltas put in those frames.
    public var deltasSent: UInt64 = 0
    /// Envelope bytes put in those frames.
    public var bytesSent: UInt64 = 0
    /// Deltas put in those frames, per level.
    public var deltasSentByLevel: [String: UInt64] = [:]
    /// Deltas the peer acknowledged as stored or already held.
    public var deltasHeld: UInt64 = 0
    /// Deltas the peer acknowledged as waiting for a predecessor.
    public var deltasPendingAtPeer: UInt64 = 0
    /// Deltas the peer refused (worth an alert: it distrusts what we forward).
    public var deltasRefusedByPeer: UInt64 = 0
    /// Deltas queued that the store could not provide (`fetch` returned fewer), dropped.
    public var deltasUnavailable: UInt64 = 0
    /// Deltas dropped because one envelope alone exceeds the frame or envelope limit.
    public var deltasOversized: UInt64 = 0
    /// Acknowledgements of batches already acknowledged or forgotten.
    public var lateAcks: UInt64 = 0
    /// Batches given up by `forgetUnacknowledged`.
    public var batchesForgotten: UInt64 = 0

    /// All zero.
    public init() {}
}
