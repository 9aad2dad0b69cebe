import CairnModel

/// Received deltas that wait for a missing predecessor, bounded in depth per stream and in count
/// and bytes overall.
///
/// Batches arrive in stream order, but a lost frame, a gossip push overtaking a round, or two
/// peers feeding one stream can put a delta ahead of its predecessor. It waits here (already
/// verified by the daemon) until the stream reaches it. When full, new deltas are refused
/// with a `SyncError` that the daemon reports in its `Ack` as pending-refused: nothing held is
/// ever evicted silently, and the next round sends the refused ones again.
public struct PendingDeltas: Sendable {
    /// Depth, count and byte bounds.
    public let limits: SyncLimits
    /// Deltas held, over all streams.
    public private(set) var count = 0
    /// Bytes held (envelopes and ids), over all streams.
    public private(set) var bytes = 0

    struct StreamHold: Sendable {
        var bySequence: [UInt64: [HeldDelta]] = [:]
        /// The lowest sequence held: lets `release` return at once while the gap is still open.
        var lowest: UInt64 = .max
    }

    var holds: [StreamID: StreamHold] = [:]

    /// An empty buffer.
    public init(limits: SyncLimits = .default) {
        self.limits = limits
    }

    /// Streams with deltas held.
    public var streamCount: Int { holds.count }

    /// The lowest sequence held of `stream`: the daemon lacks everything between its head and
    /// this one.
    public func lowestHeld(_ stream: StreamID) -> UInt64? { holds[stream].map(\.lowest) }

    /// Keeps a delta whose predecessor is missing. `currentHead` is the sequence held of its
    /// stream (0 for none). The same delta twice is `.duplicate` and changes nothing; another
    /// delta at a held position is kept beside it, and `release` tells which one chains.
    @discardableResult
    public mutating func hold(
        stream: StreamID, sequence: UInt64, id: [UInt8], previous: [UInt8], envelope: [UInt8], currentHead: UInt64
    ) throws(SyncError) -> HoldOutcome {
        if holds[stream]?.bySequence[sequence]?.contains(where: { $0.id == id }) == true { return .duplicate }
        guard sequence > currentHead, sequence - currentHead > 1 else {
            throw .notAGap(stream: stream, sequence: sequence, head: currentHead)
        }
        let gap = sequence - currentHead - 1
        guard gap <= limits.maxStreamGap else {
            throw .gapTooLarge(stream: stream, gap: gap, limit: limits.maxStreamGap)
        }
        let cost = HeldDelta.cost(id: id, previous: previous, envelope: envelope)
        guard count < limits.maxPendingDeltas, bytes + cost <= limits.maxPendingBytes else {
            throw .pendingFull(count: count, bytes: bytes)
        }
        let delta = HeldDelta(stream: stream, sequence: sequence, id: id, previous: previous, envelope: envelope)
        var hold = holds.removeValue(forKey: stream) ?? StreamHold()
        hold.bySequence[sequence, default: []].append(delta)
        hold.lowest = min(hold.lowest, sequence)
        holds[stream] = hold
        count += 1
        bytes += cost
        return .held
    }

    /// Takes out what now follows `head` contiguously, in sequence order, each naming the one
    /// before as its predecessor (the first names `head.deltaID`). At a position where no held
    /// delta chains, those held there are returned as `forks` (equivocation candidates) and the
    /// walk stops. Held deltas at or below the head are removed too: one with the head's id is
    /// the same delta and is dropped, one with another id at the head's position is a fork, and
    /// older ones are returned as `stale` for the daemon to compare with its store.
    public mutating func release(stream: StreamID, head: StreamHead) -> PendingRelease {
        guard var hold = holds[stream], head.sequence == .max || hold.lowest <= head.sequence + 1 else {
            return PendingRelease()
        }
        var result = PendingRelease()
        var removed: [HeldDelta] = []
        if hold.lowest <= head.sequence {
            for sequence in hold.bySequence.keys.sorted() where sequence <= head.sequence {
                for delta in hold.bySequence.removeValue(forKey: sequence) ?? [] {
                    removed.append(delta)
                    if sequence < head.sequence {
                        result.stale.append(delta)
                    } else if delta.id != head.deltaID {
                        result.forks.append(delta)
                    }
                }
            }
        }
        var expected = head.deltaID
        var sequence = head.sequence
        while sequence < .max, let candidates = hold.bySequence.removeValue(forKey: sequence + 1) {
            sequence += 1
            removed += candidates
            guard let chaining = candidates.firstIndex(where: { $0.previous == expected }) else {
                result.forks += candidates
                break
            }
            result.released.append(candidates[chaining])
            result.forks += candidates.enumerated().filter { $0.offset != chaining }.map(\.element)
            expected = candidates[chaining].id
        }
        forget(removed)
        hold.lowest = hold.bySequence.keys.min() ?? .max
        holds[stream] = hold.bySequence.isEmpty ? nil : hold
        return result
    }

    /// Drops everything held of `stream` (its author was revoked, or the peer that fed it is
    /// gone and a round will resend). Returns how many deltas were dropped.
    @discardableResult
    public mutating func dropStream(_ stream: StreamID) -> Int {
        guard let hold = holds.removeValue(forKey: stream) else { return 0 }
        let dropped = hold.bySequence.values.flatMap { $0 }
        forget(dropped)
        return dropped.count
    }

    private mutating func forget(_ deltas: [HeldDelta]) {
        count -= deltas.count
        bytes -= deltas.reduce(0) { $0 + HeldDelta.cost(id: $1.id, previous: $1.previous, envelope: $1.envelope) }
    }
}

/// What `hold` did.
public enum HoldOutcome: Hashable, Sendable {
    /// The delta is now held.
    case held
    /// The same delta (same id) was already held; nothing changed.
    case duplicate
}

/// A delta waiting in `PendingDeltas`, with what the chain check needs.
public struct HeldDelta: Hashable, Sendable {
    /// Its stream.
    public var stream: StreamID
    /// Its sequence number.
    public var sequence: UInt64
    /// Its id (BLAKE2b-256 of the envelope).
    public var id: [UInt8]
    /// The id of the delta it names as its predecessor.
    public var previous: [UInt8]
    /// The envelope, verbatim.
    public var envelope: [UInt8]

    /// Describes a held delta.
    public init(stream: StreamID, sequence: UInt64, id: [UInt8], previous: [UInt8], envelope: [UInt8]) {
        self.stream = stream
        self.sequence = sequence
        self.id = id
        self.previous = previous
        self.envelope = envelope
    }

    static func cost(id: [UInt8], previous: [UInt8], envelope: [UInt8]) -> Int {
        id.count + previous.count + envelope.count
    }
}

/// What `PendingDeltas.release` took out.
public struct PendingRelease: Hashable, Sendable {
    /// Deltas that now extend the stream, in order: store them.
    public var released: [HeldDelta] = []
    /// Deltas at a position where they do not chain (or at the head's position with another
    /// id): equivocation candidates, to keep as evidence and never merge.
    public var forks: [HeldDelta] = []
    /// Deltas below the head, received meanwhile by another route: compare with the store.
    public var stale: [HeldDelta] = []

    /// Nothing released.
    public init() {}
}
