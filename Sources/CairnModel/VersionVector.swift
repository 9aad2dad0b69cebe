/// How much of each stream a replica holds: the sequence number of the last delta per stream.
///
/// Because a replica holds a prefix of each stream, one number per stream describes its content
/// exactly; two replicas compare vectors to find the ranges one must send the other. A stream
/// absent from `heads` is held up to 0 (nothing); zero entries are never stored, so equal
/// content gives equal vectors.
public struct VersionVector: Hashable, Sendable {
    /// The last sequence number held of each stream; never 0.
    public private(set) var heads: [StreamID: UInt64]

    /// Builds a vector; zero entries are dropped.
    public init(_ heads: [StreamID: UInt64] = [:]) {
        self.heads = heads.filter { $0.value > 0 }
    }

    /// The last sequence number held of `stream`, 0 if none; setting 0 forgets the stream.
    public subscript(stream: StreamID) -> UInt64 {
        get { heads[stream] ?? 0 }
        set { heads[stream] = newValue == 0 ? nil : newValue }
    }

    /// Takes the per-stream maximum: what a replica holds after receiving what `other` holds.
    public mutating func merge(_ other: VersionVector) {
        for (stream, sequence) in other.heads where sequence > self[stream] {
            heads[stream] = sequence
        }
    }

    /// Whether this replica holds everything `other` holds.
    public func dominates(_ other: VersionVector) -> Bool {
        other.heads.allSatisfy { stream, sequence in self[stream] >= sequence }
    }

    /// The ranges of sequence numbers that `other` holds and this replica lacks, per stream;
    /// what this replica should ask `other` for.
    public func missing(comparedTo other: VersionVector) -> [StreamID: ClosedRange<UInt64>] {
        var result: [StreamID: ClosedRange<UInt64>] = [:]
        for (stream, theirs) in other.heads {
            let ours = self[stream]
            if theirs > ours { result[stream] = (ours + 1)...theirs }
        }
        return result
    }

    /// Only the streams at `levels`: what may be disclosed to a peer cleared for them, since even
    /// the existence of a stream at a higher level is not for its eyes.
    public func filtered(levels: Set<String>) -> VersionVector {
        VersionVector(heads.filter { levels.contains($0.key.level) })
    }
}
