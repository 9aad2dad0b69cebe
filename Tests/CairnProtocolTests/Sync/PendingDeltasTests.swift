import CairnModel
import CairnProtocol
import CairnTestSupport
import Testing

/// Bounds, ordering, fork detection and idempotence of the pending buffer.
@Suite("PendingDeltas")
struct PendingDeltasTests {
    typealias F = SyncFixtures
    let stream = F.stream(1)

    func hold(_ pending: inout PendingDeltas, _ delta: SimDelta, head: UInt64) throws(SyncError) -> HoldOutcome {
        try pending.hold(
            stream: delta.stream, sequence: delta.sequence, id: delta.id, previous: delta.previous,
            envelope: delta.envelope, currentHead: head)
    }

    func head(_ sequence: UInt64) -> StreamHead { StreamHead(sequence: sequence, deltaID: F.deltaID(stream, sequence)) }

    @Test func heldDeltasAreReleasedInOrderOnceTheGapCloses() throws {
        var pending = PendingDeltas()
        var random = SeededRandom(seed: 0x9E4D_0001)
        let held = (4...20).map { SimDelta.make(stream, $0) }.shuffled(using: &random)
        for delta in held { #expect(try hold(&pending, delta, head: 2) == .held) }
        #expect(pending.count == 17 && pending.lowestHeld(stream) == 4)
        // Head 2 → nothing follows yet; head 3 → everything, in order.
        #expect(pending.release(stream: stream, head: head(2)) == PendingRelease())
        let release = pending.release(stream: stream, head: head(3))
        #expect(release.released.map(\.sequence) == Array(4...20))
        #expect(release.released.map(\.envelope) == (4...20).map { SimDelta.make(stream, $0).envelope })
        #expect(release.forks.isEmpty && release.stale.isEmpty)
        #expect(pending.count == 0 && pending.bytes == 0 && pending.streamCount == 0)
    }

    @Test func duplicatesAreIdempotent() throws {
        var pending = PendingDeltas(limits: SyncLimits(maxPendingDeltas: 1))
        let delta = SimDelta.make(stream, 5)
        #expect(try hold(&pending, delta, head: 1) == .held)
        let bytes = pending.bytes
        // Even when full, the same delta again is a no-op, not a refusal.
        #expect(try hold(&pending, delta, head: 1) == .duplicate)
        #expect(pending.count == 1 && pending.bytes == bytes)
    }

    @Test func boundsRefuseAndEvictNothing() throws {
        var pending = PendingDeltas(limits: SyncLimits(maxStreamGap: 100, maxPendingDeltas: 3, maxPendingBytes: 10_000))
        #expect(throws: SyncError.notAGap(stream: stream, sequence: 3, head: 2)) {
            try hold(&pending, SimDelta.make(stream, 3), head: 2)
        }
        #expect(throws: SyncError.notAGap(stream: stream, sequence: 2, head: 2)) {
            try hold(&pending, SimDelta.make(stream, 2), head: 2)
        }
        #expect(throws: SyncError.gapTooLarge(stream: stream, gap: 101, limit: 100)) {
            try hold(&pending, SimDelta.make(stream, 103), head: 1)
        }
        #expect(try hold(&pending, SimDelta.make(stream, 102), head: 1) == .held)
        #expect(try hold(&pending, SimDelta.make(stream, 50), head: 1) == .held)
        #expect(try hold(&pending, SimDelta.make(stream, 51), head: 1) == .held)
        let before = (pending.count, pending.bytes)
        #expect(throws: SyncError.pendingFull(count: 3, bytes: before.1)) {
            try hold(&pending, SimDelta.make(stream, 52), head: 1)
        }
        // By bytes too.
        var small = PendingDeltas(limits: SyncLimits(maxPendingBytes: 300))
        #expect(try hold(&small, SimDelta.make(stream, 5, padding: 100), head: 1) == .held)
        #expect(throws: SyncError.self) { try hold(&small, SimDelta.make(stream, 6, padding: 100), head: 1) }
        #expect(pending.count == before.0 && pending.bytes == before.1 && small.count == 1)
        #expect(pending.dropStream(stream) == 3 && pending.count == 0 && pending.bytes == 0)
        #expect(pending.dropStream(stream) == 0)
    }

    @Test func aDeltaThatDoesNotChainIsAForkAndStopsTheWalk() throws {
        var pending = PendingDeltas()
        // 4 chains to head 3; 5' claims another predecessor; 6 chains to the real 5 (not held).
        let forged = SimDelta(
            stream: stream, sequence: 5, id: F.deltaID(stream, 5, branch: 1),
            previous: F.deltaID(stream, 4, branch: 1), envelope: [0xF0])
        for delta in [SimDelta.make(stream, 4), forged, SimDelta.make(stream, 6)] {
            _ = try hold(&pending, delta, head: 2)
        }
        let release = pending.release(stream: stream, head: head(3))
        #expect(release.released.map(\.sequence) == [4])
        #expect(release.forks.map(\.id) == [forged.id])
        #expect(pending.count == 1 && pending.lowestHeld(stream) == 6, "6 waits for the real 5")
        // The real 5 arrives by another route: 6 follows it.
        #expect(pending.release(stream: stream, head: head(5)).released.map(\.sequence) == [6])
    }

    @Test func twoCandidatesAtOnePositionReleaseTheOneThatChains() throws {
        var pending = PendingDeltas()
        let forged = SimDelta(
            stream: stream, sequence: 4, id: F.deltaID(stream, 4, branch: 1),
            previous: F.deltaID(stream, 3, branch: 1), envelope: [0xF0])
        _ = try hold(&pending, forged, head: 1)
        _ = try hold(&pending, SimDelta.make(stream, 4), head: 1)
        _ = try hold(&pending, SimDelta.make(stream, 5), head: 1)
        let release = pending.release(stream: stream, head: head(3))
        #expect(release.released.map(\.id) == [F.deltaID(stream, 4), F.deltaID(stream, 5)])
        #expect(
            release.forks == [
                HeldDelta(stream: stream, sequence: 4, id: forged.id, previous: forged.previous, envelope: [0xF0])
            ])
        #expect(pending.count == 0)
    }

    @Test func deltasOvertakenByTheHeadAreRemoved() throws {
        var pending = PendingDeltas()
        let other = SimDelta(
            stream: stream, sequence: 6, id: F.deltaID(stream, 6, branch: 2),
            previous: F.deltaID(stream, 5), envelope: [0xF1])
        for delta in [SimDelta.make(stream, 4), SimDelta.make(stream, 5), other, SimDelta.make(stream, 8)] {
            _ = try hold(&pending, delta, head: 2)
        }
        // The store jumped to 6 by another route: 4 and 5 are stale, the other 6 is a fork.
        let release = pending.release(stream: stream, head: head(6))
        #expect(release.stale.map(\.sequence) == [4, 5])
        #expect(release.forks.map(\.id) == [other.id])
        #expect(release.released.isEmpty)
        #expect(pending.count == 1 && pending.lowestHeld(stream) == 8)
        // The same delta as the head is dropped quietly.
        _ = try hold(&pending, SimDelta.make(stream, 9), head: 7)
        let again = pending.release(stream: stream, head: head(9))
        #expect(again.stale.map(\.sequence) == [8] && again.forks.isEmpty && pending.count == 0)
    }
}
