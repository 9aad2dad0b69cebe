import CairnModel
import CairnProtocol
import CairnTestSupport
import Testing

/// Batching, backpressure, clipping and acknowledgement of the outbox, against an in-memory
/// store of chains.
@Suite("DeltaOutbox")
struct DeltaOutboxTests {
    typealias F = SyncFixtures

    /// Chains of envelopes; envelope `n` of a stream is `size(n)` bytes, first byte = sequence.
    struct Store {
        var chains: [StreamID: UInt64] = [:]
        var size: (StreamID, UInt64) -> Int = { _, _ in 100 }
        var fetches = 0

        mutating func fetch(_ stream: StreamID, _ from: UInt64, _ limit: Int) -> [(sequence: UInt64, envelope: [UInt8])]
        {
            fetches += 1
            let last = chains[stream] ?? 0
            guard from <= last else { return [] }
            return (from...min(last, from + UInt64(limit) - 1)).map { sequence in
                (
                    sequence,
                    [UInt8(truncatingIfNeeded: sequence)] + [UInt8](repeating: 0, count: size(stream, sequence) - 1)
                )
            }
        }
    }

    static func deltas(_ frame: SyncFrame?) -> (batch: UInt64, envelopes: [[UInt8]])? {
        guard case .deltas(let batch, let envelopes)? = frame else { return nil }
        return (batch, envelopes)
    }

    @Test func batchesRespectCountBytesAndTheWindowAndEverythingIsSentOnce() throws {
        var random = SeededRandom(seed: 0x0B0C_0001)
        let streams = (0..<6).map { F.stream($0, F.levels[$0 % 3]) }
        var store = Store()
        for stream in streams { store.chains[stream] = 1 + random.next() % 400 }
        let sizes = (0..<4096).map { _ in 1 + Int(random.next() % 12_000) }
        store.size = { stream, sequence in sizes[Int((sequence &* 31 &+ UInt64(stream.author.bytes[31])) % 4096)] }
        let limits = SyncLimits(maxBatchBytes: 64 << 10)
        var outbox = DeltaOutbox(commonLevels: F.allLevels, limits: limits)
        let peer = PeerKnowledge()
        outbox.enqueue(streams.map { StreamRange(stream: $0, sequences: 1...store.chains[$0]!) }, peer: peer)
        var outstanding: [(batch: UInt64, count: Int)] = []
        var frames = 0
        while !outbox.isIdle {
            while let batch = Self.deltas(outbox.nextBatch(peer: peer, fetch: { store.fetch($0, $1, $2) })) {
                frames += 1
                outstanding.append((batch.batch, batch.envelopes.count))
                #expect(outstanding.count <= limits.maxUnackedBatches)
                #expect(batch.envelopes.count <= limits.maxDeltasPerBatch)
                let bytes = batch.envelopes.reduce(0) { $0 + $1.count }
                #expect(bytes <= limits.maxBatchBytes || batch.envelopes.count == 1)
                #expect(
                    SyncFrame.deltas(batch: batch.batch, envelopes: batch.envelopes).wireSize <= limits.maxFrameBytes)
            }
            #expect(outbox.unacknowledgedBatches == outstanding.count)
            // Acknowledge in a random order.
            let index = Int(random.next() % UInt64(max(outstanding.count, 1)))
            guard !outstanding.isEmpty else { break }
            let acked = outstanding.remove(at: index)
            _ = try outbox.acknowledge(AckCounts(batch: acked.batch, stored: UInt32(acked.count)))
        }
        let total = streams.reduce(UInt64(0)) { $0 + store.chains[$1]! }
        #expect(outbox.counters.deltasSent == total)
        #expect(outbox.counters.deltasHeld == total)
        #expect(outbox.counters.batchesSent == UInt64(frames))
        #expect(outbox.isIdle && outbox.queuedDeltas == 0)
    }

    @Test func eachStreamTravelsInSequenceOrderAndPushesGoFirst() throws {
        var store = Store()
        let (a, b, c) = (F.stream(1), F.stream(2), F.stream(3))
        store.chains = [a: 300, b: 10, c: 5]
        var outbox = DeltaOutbox(commonLevels: F.allLevels)
        let peer = PeerKnowledge()
        outbox.enqueue(
            [StreamRange(stream: a, sequences: 1...300), StreamRange(stream: b, sequences: 1...10)], peer: peer)
        do {
            let queued = outbox.push(stream: c, sequence: 5, peer: peer)
            #expect(queued)
        }
        do {
            let queued = outbox.push(stream: c, sequence: 5, peer: peer)
            #expect(!queued, "already queued")
        }
        var order: [(StreamID, UInt64)] = []
        while let batch = Self.deltas(
            outbox.nextBatch(
                peer: peer,
                fetch: { stream, from, limit in
                    let fetched = store.fetch(stream, from, limit)
                    order += fetched.prefix(limit).map { (stream, $0.sequence) }
                    return fetched
                }))
        {
            _ = try outbox.acknowledge(AckCounts(batch: batch.batch, stored: UInt32(batch.envelopes.count)))
        }
        // Fetches may read ahead of what a batch takes, so compare the distinct first reads.
        #expect(order.first! == (c, 5))
        #expect(order[1] == (a, 1))
        for stream in [a, b] {
            let sequences = order.filter { $0.0 == stream }.map(\.1)
            #expect(sequences == Array(1...UInt64(stream == a ? 300 : 10)))
        }
        #expect(outbox.counters.deltasSent == 311)
    }

    @Test func overlappingRangesMergeAndWhatThePeerHoldsIsClipped() {
        var outbox = DeltaOutbox(commonLevels: F.belowSecret)
        let stream = F.stream(1)
        var peer = PeerKnowledge()
        peer.raise(stream, to: 4)
        outbox.enqueue(
            [
                StreamRange(stream: stream, sequences: 1...10), StreamRange(stream: stream, sequences: 8...20),
                StreamRange(stream: stream, sequences: 25...30),
                StreamRange(stream: F.stream(2, "SECRET"), sequences: 1...9),
            ], peer: peer)
        #expect(outbox.queuedDeltas == 16 + 6)
        #expect(outbox.queuedStreams == 1, "a SECRET stream is never queued for this peer")
        do {
            let queued = outbox.push(stream: F.stream(2, "SECRET"), sequence: 10, peer: peer)
            #expect(!queued)
        }
        do {
            let queued = outbox.push(stream: stream, sequence: 3, peer: peer)
            #expect(!queued, "the peer holds it")
        }
        // Knowledge that grows while queued is applied when the batch is built.
        peer.raise(stream, to: 18)
        var fetched: [UInt64] = []
        let frame = outbox.nextBatch(peer: peer) { _, from, limit in
            fetched.append(from)
            return (from..<(from + UInt64(limit))).map { ($0, [1]) }
        }
        #expect(fetched == [19, 25])
        #expect(Self.deltas(frame)?.envelopes.count == 2 + 6)
    }

    @Test func aLargeDeltaGoesAloneAndAnUnframeableOneIsDropped() throws {
        let limits = SyncLimits(maxFrameBytes: 10_000, maxEnvelopeBytes: 9_000, maxBatchBytes: 1_000)
        var outbox = DeltaOutbox(commonLevels: F.allLevels, limits: limits)
        let stream = F.stream(1)
        var store = Store()
        store.chains[stream] = 6
        store.size = { _, sequence in [1: 400, 2: 400, 3: 5_000, 4: 400, 5: 9_500, 6: 10][Int(sequence)]! }
        outbox.enqueue([StreamRange(stream: stream, sequences: 1...6)], peer: PeerKnowledge())
        var batches: [[Int]] = []
        while let batch = Self.deltas(outbox.nextBatch(peer: PeerKnowledge(), fetch: { store.fetch($0, $1, $2) })) {
            batches.append(batch.envelopes.map(\.count))
        }
        // 5 exceeds the envelope limit: it and everything after it in the stream are dropped.
        #expect(batches == [[400, 400], [5_000], [400]])
        #expect(outbox.counters.deltasOversized == 2)
    }

    @Test func whatTheStoreLacksIsDropped() {
        var outbox = DeltaOutbox(commonLevels: F.allLevels)
        let (a, b) = (F.stream(1), F.stream(2))
        var store = Store()
        store.chains = [a: 5, b: 3]
        outbox.enqueue(
            [StreamRange(stream: a, sequences: 1...10), StreamRange(stream: b, sequences: 1...3)], peer: PeerKnowledge()
        )
        let frame = outbox.nextBatch(peer: PeerKnowledge()) { store.fetch($0, $1, $2) }
        #expect(Self.deltas(frame)?.envelopes.count == 8)
        #expect(outbox.counters.deltasUnavailable == 5)
        #expect(outbox.queuedDeltas == 0)
    }

    @Test func acknowledgementsAreMatchedToBatches() throws {
        var outbox = DeltaOutbox(commonLevels: F.allLevels)
        let stream = F.stream(1)
        outbox.enqueue([StreamRange(stream: stream, sequences: 1...3)], peer: PeerKnowledge())
        let batch = try #require(
            Self.deltas(
                outbox.nextBatch(peer: PeerKnowledge()) { _, from, limit in
                    (from..<(from + UInt64(limit))).map { ($0, [7]) }
                }))
        #expect(throws: SyncError.unknownBatch(2)) { try outbox.acknowledge(AckCounts(batch: 2, stored: 3)) }
        #expect(throws: SyncError.unknownBatch(0)) { try outbox.acknowledge(AckCounts(batch: 0)) }
        #expect(throws: SyncError.ackMismatch(batch: 1, sent: 3, counted: 2)) {
            try outbox.acknowledge(AckCounts(batch: batch.batch, stored: 2))
        }
        #expect(
            try outbox.acknowledge(AckCounts(batch: 1, stored: 2, duplicate: 1)) == [
                StreamRange(stream: stream, sequences: 1...3)
            ])
        // A duplicated acknowledgement changes nothing.
        #expect(try outbox.acknowledge(AckCounts(batch: 1, stored: 3)) == [])
        #expect(outbox.counters.lateAcks == 1 && outbox.isIdle)
    }

    @Test func partialAcknowledgementTeachesNothingAndForgettingReopensTheWindow() throws {
        var outbox = DeltaOutbox(
            commonLevels: F.allLevels, limits: SyncLimits(maxDeltasPerBatch: 2, maxUnackedBatches: 2))
        let stream = F.stream(1)
        let peer = PeerKnowledge()
        let fetch: (StreamID, UInt64, Int) -> [(sequence: UInt64, envelope: [UInt8])] = { _, from, limit in
            (from..<(from + UInt64(limit))).map { ($0, [1]) }
        }
        outbox.enqueue([StreamRange(stream: stream, sequences: 1...8)], peer: peer)
        let first = try #require(Self.deltas(outbox.nextBatch(peer: peer, fetch: fetch)))
        #expect(Self.deltas(outbox.nextBatch(peer: peer, fetch: fetch)) != nil)
        #expect(outbox.nextBatch(peer: peer, fetch: fetch) == nil, "the window is full")
        #expect(try outbox.acknowledge(AckCounts(batch: first.batch, stored: 1, pending: 1)) == [])
        // In flight: not queued again by a new round's ranges.
        outbox.enqueue([StreamRange(stream: stream, sequences: 1...8)], peer: peer)
        #expect(outbox.queuedDeltas == 4 + 2)
        #expect(outbox.forgetUnacknowledged() == 2)
        #expect(outbox.counters.batchesForgotten == 1)
        do {
            let queued = outbox.push(stream: stream, sequence: 3, peer: peer)
            #expect(queued, "no longer in flight")
        }
    }

    @Test func aThrowingFetchLeavesTheOutboxUnchanged() throws {
        struct StoreDown: Error {}
        var outbox = DeltaOutbox(commonLevels: F.allLevels)
        outbox.enqueue(
            [StreamRange(stream: F.stream(1), sequences: 1...3), StreamRange(stream: F.stream(2), sequences: 1...3)],
            peer: PeerKnowledge())
        var calls = 0
        #expect(throws: StoreDown.self) {
            try outbox.nextBatch(peer: PeerKnowledge()) { _, from, limit in
                calls += 1
                if calls == 2 { throw StoreDown() }
                return (from..<(from + UInt64(limit))).map { ($0, [1]) }
            }
        }
        #expect(outbox.queuedDeltas == 6 && outbox.unacknowledgedBatches == 0 && outbox.counters.deltasSent == 0)
        let frame = outbox.nextBatch(peer: PeerKnowledge()) { _, from, limit in
            (from..<(from + UInt64(limit))).map { ($0, [1]) }
        }
        #expect(Self.deltas(frame)?.envelopes.count == 6)
    }
}
