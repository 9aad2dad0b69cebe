import CairnModel

/// What we know the peer holds: per stream of the common levels, the highest sequence number it
/// is known to hold (it holds a prefix of each stream, so one number says everything).
///
/// It is learnt from the peer's vectors (which replace what was known: a vector is the peer's
/// own account), from agreeing rounds (the peer holds exactly our vector), from batches it
/// acknowledged as held, and from deltas it sent us. Knowing too little only costs a resend;
/// knowing too much would withhold deltas, so nothing here is guessed.
public struct PeerKnowledge: Hashable, Sendable {
    /// Highest sequence known held, per stream; streams at 0 are absent.
    public private(set) var sequences: [StreamID: UInt64] = [:]
    /// Whether a full vector (or an agreement) has been learnt: before that, `sequences` only
    /// holds what acknowledgements and received deltas showed.
    public private(set) var hasVector = false

    /// Nothing known yet.
    public init() {}

    /// The highest sequence of `stream` the peer is known to hold, 0 if none.
    public func sequence(of stream: StreamID) -> UInt64 { sequences[stream] ?? 0 }

    /// Replaces everything known by the peer's full vector.
    public mutating func replace(with positions: [StreamPosition]) {
        var table: [StreamID: UInt64] = [:]
        table.reserveCapacity(positions.count)
        for position in positions { table[position.stream] = position.sequence }
        sequences = table
        hasVector = true
    }

    /// Replaces what is known of `streams` by `positions` (the peer's exact positions of those
    /// streams; a stream of `streams` absent from them is one the peer holds nothing of), and
    /// keeps what is known of other streams: what a finished reconcile session over our
    /// stream heads shows.
    public mutating func replace(with positions: [StreamPosition], over streams: [StreamID]) {
        for stream in streams { sequences[stream] = nil }
        for position in positions where position.sequence > 0 { sequences[position.stream] = position.sequence }
        hasVector = true
    }

    /// Records that the peer holds `stream` up to `sequence` at least.
    public mutating func raise(_ stream: StreamID, to sequence: UInt64) {
        if sequence > self.sequence(of: stream) { sequences[stream] = sequence }
    }

    /// Records that the peer holds every range (it holds prefixes, so up to each upper bound).
    public mutating func raise(_ ranges: [StreamRange]) {
        for range in ranges { raise(range.stream, to: range.sequences.upperBound) }
    }

    /// Per level, how many deltas of `local` (positions at `levels` only) the peer is not known
    /// to hold. Levels with nothing lacking are absent.
    public func lacking(local: [StreamPosition], levels: Set<String>) -> [String: UInt64] {
        var result: [String: UInt64] = [:]
        for position in local where levels.contains(position.level) {
            let held = sequence(of: position.stream)
            if position.sequence > held { result[position.level, default: 0] += position.sequence - held }
        }
        return result
    }

    /// Per level, how many deltas the peer is known to hold beyond `local` (positions at
    /// `levels` only): what this site still expects from it, for progress while catching up.
    /// Levels with nothing missing are absent.
    public func missing(local: [StreamPosition], levels: Set<String>) -> [String: UInt64] {
        var held: [StreamID: UInt64] = [:]
        held.reserveCapacity(local.count)
        for position in local { held[position.stream] = position.sequence }
        var result: [String: UInt64] = [:]
        for (stream, sequence) in sequences where levels.contains(stream.level) {
            let ours = held[stream] ?? 0
            if sequence > ours { result[stream.level, default: 0] += sequence - ours }
        }
        return result
    }
}
