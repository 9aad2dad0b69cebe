import CairnCrypto
import CairnModel

/// The stream-head use of the engine: one item per stream at the levels both sides may see.
///
/// A replica holds a prefix of each stream, so its heads say everything it holds: two sites
/// that reconcile heads know, per differing stream, both positions, and each sends the other
/// what it lacks from the other's sequence on (`compare`). Keys are hashes of the stream, so
/// they spread evenly over the key space (bounds stay 2 or 3 bytes) and have one length; a key
/// only the peer holds is a stream we do not know, which the peer will send from its start.
public struct StreamHeadItems: Sendable {
    /// Domain separation of stream keys from every other Cairn hash.
    public static let keyDomain: [UInt8] = Array("cairn/v1/stream-key".utf8) + [0]

    /// The set to reconcile.
    public let set: ReconcileSet
    /// Our position of each stream, by key.
    public let positions: [[UInt8]: StreamPosition]

    /// The items of `local` at `levels` (the common levels: nothing else may be disclosed).
    /// Throws `invalidLocalSet` for a malformed position or a stream given twice.
    public init(local: [StreamPosition], levels: Set<String>, limit: Int = ReconcileLimits.default.maxSetItems)
        throws(ReconcileError)
    {
        var positions: [[UInt8]: StreamPosition] = [:]
        var items: [ReconcileItem] = []
        for position in local where levels.contains(position.level) {
            if let defect = position.defect() { throw .invalidLocalSet("\(position): \(defect)") }
            let key = Self.key(for: position.stream)
            guard positions.updateValue(position, forKey: key) == nil else { throw .invalidLocalSet("a stream given twice") }
            items.append(ReconcileItem(key: key, value: Self.value(sequence: position.sequence, head: position.head)))
        }
        self.set = try ReconcileSet(kind: .streamHeads, items: items, limit: limit)
        self.positions = positions
    }

    /// BLAKE2b-256 of the domain, the author and the level (length-prefixed).
    public static func key(for stream: StreamID) -> [UInt8] {
        let level = Array(stream.level.utf8)
        return BLAKE2b.hash(keyDomain + stream.author.bytes + [UInt8(truncatingIfNeeded: level.count)] + level)
    }

    /// u64be(sequence) || head: 40 bytes.
    public static func value(sequence: UInt64, head: [UInt8]) -> [UInt8] {
        (0..<8).reversed().map { UInt8(truncatingIfNeeded: sequence >> (8 * UInt64($0))) } + head
    }

    /// The sequence and head of a 40-byte value.
    public static func decode(_ value: [UInt8]) -> (sequence: UInt64, head: [UInt8])? {
        guard value.count == ReconcileSetKind.streamHeads.valueLength else { return nil }
        return (value[..<8].reduce(0) { $0 << 8 | UInt64($1) }, Array(value[8...]))
    }

    /// What a finished session means for sending: the ranges the peer lacks (ours to send, from
    /// its sequence on), the equivocations found (one sequence, two heads), and the peer's
    /// positions of the streams we both know, for `PeerKnowledge`.
    public func compare(_ outcome: ReconcileOutcome) -> StreamHeadComparison {
        var ours: [StreamPosition] = []
        var theirs: [StreamPosition] = []
        var unknown = 0
        for difference in outcome.differences {
            guard let mine = positions[difference.key] else {
                unknown += 1
                continue
            }
            if difference.local != nil { ours.append(mine) }
            if let remote = difference.remote.flatMap(Self.decode), remote.sequence > 0 {
                theirs.append(StreamPosition(author: mine.author, level: mine.level, sequence: remote.sequence, head: remote.head))
            }
        }
        ours.sort()
        theirs.sort()
        let comparison = VectorComparison.compare(ours: ours, theirs: theirs)
        return StreamHeadComparison(
            ranges: comparison.ranges, equivocations: comparison.equivocations, peerPositions: theirs,
            streamsOnlyPeerHolds: unknown)
    }
}

/// What a stream-head session found, in the terms of the whole-vector round.
public struct StreamHeadComparison: Hashable, Sendable {
    /// What the peer lacks of ours, in stream order: queue these in its outbox.
    public var ranges: [StreamRange]
    /// One stream, one sequence, two heads: report the author.
    public var equivocations: [Equivocation]
    /// The peer's positions of the differing streams we also hold.
    public var peerPositions: [StreamPosition]
    /// Streams the peer holds that we hold nothing of: it will send them from their start.
    public var streamsOnlyPeerHolds: Int
}
