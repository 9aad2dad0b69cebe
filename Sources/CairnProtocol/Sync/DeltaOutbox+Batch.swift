import CairnModel

extension DeltaOutbox {
    /// The next `Deltas` frame to send, or nil when nothing is queued or `maxUnackedBatches`
    /// batches await acknowledgement.
    ///
    /// A batch holds at most `maxDeltasPerBatch` deltas and `maxBatchBytes` envelope bytes (one
    /// larger delta may go alone if it fits in a frame), each stream in sequence order, urgent
    /// pushes first. `fetch(stream, from, limit)` returns up to `limit` consecutive deltas of
    /// `stream` starting at `from`; fewer means the store does not have the rest, and the rest
    /// of that range is dropped. Ranges are clipped again to what `peer` is known to hold. If
    /// `fetch` throws, the outbox is unchanged.
    public mutating func nextBatch<E: Error>(
        peer: PeerKnowledge,
        fetch: (StreamID, UInt64, Int) throws(E) -> [(sequence: UInt64, envelope: [UInt8])]
    ) throws(E) -> SyncFrame? {
        guard inFlight.count < limits.maxUnackedBatches else { return nil }
        let batchID = nextBatchID
        var builder = BatchBuilder(limits: limits, batchID: batchID)
        // Planned first and committed after, so that a throwing fetch leaves nothing half done.
        var updates: [(StreamID, SequenceRanges)] = []
        var consumed = (urgent: 0, backlog: 0)
        while !builder.isFull {
            let fromUrgent = urgent.peek(consumed.urgent) != nil
            guard let stream = fromUrgent ? urgent.peek(consumed.urgent) : backlog.peek(consumed.backlog) else { break }
            guard var ranges = queued[stream] else {
                // Cannot happen (a stream is in a lane exactly while it has ranges); skip it.
                if fromUrgent { consumed.urgent += 1 } else { consumed.backlog += 1 }
                continue
            }
            ranges.removeThrough(peer.sequence(of: stream))
            while !builder.isFull, let range = ranges.first {
                let want = Int(min(UInt64(builder.room), range.upperBound - range.lowerBound + 1))
                let fetched = try fetch(stream, range.lowerBound, want)
                let next = builder.take(fetched.prefix(want), stream: stream, from: range.lowerBound)
                if builder.isFull || next > range.upperBound {
                    ranges.removeBelow(next)
                } else {
                    // The store has nothing more of this range, or the rest cannot be framed.
                    builder.dropRest(range.upperBound - next + 1)
                    ranges.removeFirst()
                }
            }
            updates.append((stream, ranges))
            guard ranges.isEmpty else { break }
            if fromUrgent { consumed.urgent += 1 } else { consumed.backlog += 1 }
        }
        for (stream, ranges) in updates { queued[stream] = ranges.isEmpty ? nil : ranges }
        urgent.removeFirst(consumed.urgent)
        backlog.removeFirst(consumed.backlog)
        counters.deltasUnavailable += builder.unavailable
        counters.deltasOversized += builder.oversized
        guard !builder.envelopes.isEmpty else { return nil }
        nextBatchID += 1
        inFlight[batchID] = Batch(ranges: builder.sent, count: builder.envelopes.count)
        for range in builder.sent {
            inFlightRanges[range.stream, default: SequenceRanges()].insert(range.sequences)
            counters.deltasSentByLevel[range.stream.level, default: 0] += range.count
        }
        counters.batchesSent += 1
        counters.deltasSent += UInt64(builder.envelopes.count)
        counters.bytesSent += UInt64(builder.bytes)
        return .deltas(batch: batchID, envelopes: builder.envelopes)
    }
}

/// Fills one batch within the count, byte and frame limits.
struct BatchBuilder {
    let limits: SyncLimits
    private(set) var envelopes: [[UInt8]] = []
    private(set) var sent: [StreamRange] = []
    private(set) var bytes = 0
    private(set) var unavailable: UInt64 = 0
    private(set) var oversized: UInt64 = 0
    private(set) var isFull = false
    /// Serialized size of the `Deltas` message so far, to stay under the frame limit.
    private var frameBody: Int
    private let emptyBody: Int
    private var stoppedOnOversized = false

    init(limits: SyncLimits, batchID: UInt64) {
        self.limits = limits
        self.emptyBody = WireSize.scalar(batchID)
        self.frameBody = emptyBody
    }

    var room: Int { limits.maxDeltasPerBatch - envelopes.count }

    /// Adds consecutive deltas of `stream` from `from` while they fit; returns the first
    /// sequence number not added. Stops at the first out-of-order answer of the store and at a
    /// delta too large to be sent even alone.
    mutating func take(
        _ fetched: ArraySlice<(sequence: UInt64, envelope: [UInt8])>, stream: StreamID, from: UInt64
    ) -> UInt64 {
        var next = from
        stoppedOnOversized = false
        for delta in fetched {
            guard delta.sequence == next else { break }
            let element = WireSize.element(delta.envelope.count)
            // The frame is `SyncMessage { deltas = Deltas { batch, envelopes… } }`.
            guard delta.envelope.count <= limits.maxEnvelopeBytes,
                WireSize.element(emptyBody + element) <= limits.maxFrameBytes
            else {
                stoppedOnOversized = true
                break
            }
            if !envelopes.isEmpty,
                bytes + delta.envelope.count > limits.maxBatchBytes
                    || WireSize.element(frameBody + element) > limits.maxFrameBytes
            {
                isFull = true
                break
            }
            envelopes.append(delta.envelope)
            bytes += delta.envelope.count
            frameBody += element
            next += 1
        }
        if next > from { sent.append(StreamRange(stream: stream, sequences: from...(next - 1))) }
        if envelopes.count >= limits.maxDeltasPerBatch { isFull = true }
        return next
    }

    /// Counts the `count` deltas left of a range that `take` could not continue: the store
    /// lacks them, or the first is too large to ever be sent (and the chain cannot skip it).
    mutating func dropRest(_ count: UInt64) {
        if stoppedOnOversized { oversized += count } else { unavailable += count }
    }
}
