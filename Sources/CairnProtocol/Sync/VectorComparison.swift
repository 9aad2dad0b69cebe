import CairnModel

/// Compares two sorted vectors in one merge walk: what the other side lacks, and where the two
/// sides hold different deltas at one position.
struct VectorComparison: Hashable, Sendable {
    /// What `theirs` lacks of `ours`, in stream order.
    var ranges: [StreamRange] = []
    /// Same stream and sequence, different head.
    var equivocations: [Equivocation] = []
    /// Whether the vectors hold exactly the same positions.
    var equal = true

    /// The deltas the ranges hold.
    var deltaCount: UInt64 { ranges.reduce(0) { $0 + $1.count } }

    /// Compares `ours` with `theirs`; both strictly sorted by stream.
    static func compare(ours: [StreamPosition], theirs: [StreamPosition]) -> VectorComparison {
        var result = VectorComparison()
        var (i, j) = (0, 0)
        while i < ours.count || j < theirs.count {
            let order = i == ours.count ? 1 : j == theirs.count ? -1 : StreamPosition.compare(ours[i], theirs[j])
            if order < 0 {
                // A stream they hold nothing of.
                result.ranges.append(StreamRange(stream: ours[i].stream, sequences: 1...ours[i].sequence))
                result.equal = false
                i += 1
            } else if order > 0 {
                // A stream we hold nothing of: theirs to send.
                result.equal = false
                j += 1
            } else {
                result.compareHeld(ours[i], theirs[j])
                i += 1
                j += 1
            }
        }
        return result
    }

    private mutating func compareHeld(_ mine: StreamPosition, _ other: StreamPosition) {
        if mine.sequence > other.sequence {
            ranges.append(StreamRange(stream: mine.stream, sequences: (other.sequence + 1)...mine.sequence))
            equal = false
        } else if mine.sequence < other.sequence {
            equal = false
        } else if mine.head != other.head {
            equivocations.append(
                Equivocation(stream: mine.stream, sequence: mine.sequence, ours: mine.head, theirs: other.head))
            equal = false
        }
    }
}

/// The daemon's vector, made safe to disclose and to digest.
enum LocalVector {
    /// Drops every position outside `levels` (defense in depth: the daemon filters too), sorts
    /// when needed, and refuses duplicates, malformed positions and more streams than a peer
    /// would accept. Returns `local` itself, without copying, when it is already clean.
    static func normalize(
        _ local: [StreamPosition], levels: Set<String>, limits: SyncLimits
    ) throws(SyncError) -> [StreamPosition] {
        // Only well-formed names can be disclosed; checked once here rather than per position.
        let allowed = levels.filter { (try? LevelLattice.validateName($0)) != nil }
        var positions =
            local.allSatisfy { allowed.contains($0.level) } ? local : local.filter { allowed.contains($0.level) }
        if !VectorDigest.isSorted(positions) {
            positions.sort()
            guard VectorDigest.isSorted(positions) else {
                throw .invalidLocalVector("two positions name the same stream")
            }
        }
        guard positions.count <= limits.maxVectorStreams else {
            throw .invalidLocalVector(
                "\(positions.count) streams, over the limit of \(limits.maxVectorStreams) a peer accepts")
        }
        for position in positions {
            if let defect = position.defect(levelChecked: true) { throw .invalidLocalVector("\(position): \(defect)") }
        }
        return positions
    }
}
