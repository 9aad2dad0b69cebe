import CairnModel
import CairnProtocol
import CairnTestSupport
import Testing

@testable import CairnDaemon

/// The pump's reads: a batch built on the loop from what `BatchReads.prepare` read off it must
/// be exactly the batch `DeltaOutbox.nextBatch` builds straight against the store, and the
/// reads must stay near one batch's worth however much is queued.
@Suite struct BatchReadsTests {
    /// An in-memory store: per stream, the envelopes held from sequence 1 on.
    struct Store {
        var streams: [StreamID: [[UInt8]]] = [:]
        var rowsRead = 0

        /// What `CairnDatabase.deltas` answers: up to `limit` deltas from `from` on.
        mutating func deltas(_ stream: StreamID, _ from: UInt64, _ limit: Int) -> [BatchReads.Row] {
            let held = streams[stream] ?? []
            guard from >= 1, from <= UInt64(held.count) else { return [] }
            let rows = (Int(from)...min(held.count, Int(from) + limit - 1)).map { (sequence: UInt64($0), envelope: held[$0 - 1]) }
            rowsRead += rows.count
            return rows
        }
    }

    static func stream(_ n: UInt8, _ level: String = "CONFIDENTIAL") -> StreamID {
        StreamID(author: try! DeviceID([UInt8](repeating: n, count: 32)), level: level)
    }

    /// `count` envelopes of random sizes from 1 byte to `largest`, marked with their stream
    /// and position so that a mix-up shows.
    static func envelopes(_ count: Int, largest: Int, tag: UInt8, random: inout SeededRandom) -> [[UInt8]] {
        (0..<count).map { index in
            let size = Int.random(in: 1...largest, using: &random)
            return [tag, UInt8(truncatingIfNeeded: index)] + [UInt8](repeating: 0xab, count: size)
        }
    }

    /// Builds every batch of two identical outboxes, one straight against the store and one the
    /// pump's way; they must agree batch for batch.
    static func compare(store: Store, queued: [StreamRange], limits: SyncLimits, held: UInt64 = 0) -> (batches: Int, pumpRows: Int, directRows: Int) {
        var direct = DeltaOutbox(commonLevels: ["CONFIDENTIAL", "RESTRICTED"], limits: limits)
        direct.enqueue(queued, peer: PeerKnowledge())
        var pumped = direct
        var directStore = store, pumpStore = store
        var batches = 0
        while true {
            let expected = direct.nextBatch(peer: PeerKnowledge()) { directStore.deltas($0, $1, $2) }
            var reads = BatchReads()
            var built = reads.build(&pumped, peer: PeerKnowledge())
            if built == nil {
                _ = reads.prepare(pumped, peer: PeerKnowledge()) { pumpStore.deltas($0, $1, $2) }
                built = reads.build(&pumped, peer: PeerKnowledge())
            }
            #expect(built != nil, "a batch prepared off the loop needed a read on it")
            #expect(built?.frame == expected)
            #expect(pumped.counters == direct.counters)
            guard expected != nil else { break }
            batches += 1
        }
        return (batches, pumpStore.rowsRead, directStore.rowsRead)
    }

    /// Large deltas in a long queue: every batch agrees, and the pump reads about a batch each
    /// time where the direct build reads all that is queued of the stream.
    @Test(arguments: [1, 2, 3, 4, 5]) func largeDeltasAreReadABatchAtATime(seed: UInt64) {
        var random = SeededRandom(seed: seed)
        var store = Store()
        let big = Self.stream(1), small = Self.stream(2, "RESTRICTED")
        store.streams[big] = Self.envelopes(60, largest: 300_000, tag: 1, random: &random)
        store.streams[small] = Self.envelopes(40, largest: 2_000, tag: 2, random: &random)
        let limits = SyncLimits(maxUnackedBatches: 1_000)
        let result = Self.compare(
            store: store,
            queued: [StreamRange(stream: big, sequences: 1...60), StreamRange(stream: small, sequences: 1...40)], limits: limits)
        #expect(result.batches >= 6, "seed \(seed)")
        #expect(result.pumpRows < result.directRows / 2, "seed \(seed): \(result)")
    }

    /// Small deltas, a queue longer than the batch count limit, and a stream that the store
    /// holds only part of (the rest is counted unavailable the same way both ways).
    @Test(arguments: [11, 12, 13]) func smallDeltasAndMissingOnesAgree(seed: UInt64) {
        var random = SeededRandom(seed: seed)
        var store = Store()
        let a = Self.stream(3), b = Self.stream(4)
        store.streams[a] = Self.envelopes(700, largest: 3_000, tag: 3, random: &random)
        store.streams[b] = Self.envelopes(20, largest: 3_000, tag: 4, random: &random)
        let result = Self.compare(
            store: store, queued: [StreamRange(stream: a, sequences: 1...700), StreamRange(stream: b, sequences: 1...35)],
            limits: SyncLimits(maxUnackedBatches: 1_000))
        #expect(result.batches >= 3, "seed \(seed)")
    }

    /// A delta stored (and pushed) after the reads: a window that ended short is not taken as
    /// the store's last word beyond it, so the batch is read again instead of dropping it.
    @Test func aPushAfterTheReadIsReadAgainNotDropped() {
        var store = Store()
        let s = Self.stream(5)
        store.streams[s] = [[1], [2], [3]]
        var outbox = DeltaOutbox(commonLevels: ["CONFIDENTIAL"])
        outbox.enqueue([StreamRange(stream: s, sequences: 1...3)], peer: PeerKnowledge())
        var reads = BatchReads()
        _ = reads.prepare(outbox, peer: PeerKnowledge()) { store.deltas($0, $1, $2) }
        // Meanwhile sequence 4 is stored and pushed.
        store.streams[s]?.append([4])
        let pushed = outbox.push(stream: s, sequence: 4, peer: PeerKnowledge())
        #expect(pushed)
        var attempt = outbox
        #expect(reads.build(&attempt, peer: PeerKnowledge()) == nil)
        _ = reads.prepare(outbox, peer: PeerKnowledge()) { store.deltas($0, $1, $2) }
        let built = reads.build(&outbox, peer: PeerKnowledge())
        #expect(built?.frame == .deltas(batch: 1, envelopes: [[1], [2], [3], [4]]))
        #expect(outbox.counters.deltasUnavailable == 0)
    }

    @Test func answersServeOnlyInsideTheirWindow() {
        var store = Store()
        let s = Self.stream(6)
        store.streams[s] = [[1], [2], [3], [4], [5]]
        var reads = BatchReads()
        _ = reads.read(BatchReads.Fetch(stream: s, from: 2, limit: 3), batchBytes: 1 << 20) { store.deltas(s, $0, $1) }
        #expect(reads.answer(BatchReads.Fetch(stream: s, from: 2, limit: 3))?.map(\.sequence) == [2, 3, 4])
        #expect(reads.answer(BatchReads.Fetch(stream: s, from: 3, limit: 2))?.map(\.sequence) == [3, 4])
        #expect(reads.answer(BatchReads.Fetch(stream: s, from: 1, limit: 2)) == nil)
        #expect(reads.answer(BatchReads.Fetch(stream: s, from: 3, limit: 3)) == nil)
        #expect(reads.answer(BatchReads.Fetch(stream: Self.stream(7), from: 2, limit: 1)) == nil)
    }
}
