import CairnModel

/// A set of sequence numbers of one stream as sorted, disjoint, non-adjacent closed ranges:
/// usually a single range, so every operation is cheap.
struct SequenceRanges: Hashable, Sendable {
    private(set) var ranges: [ClosedRange<UInt64>] = []

    var isEmpty: Bool { ranges.isEmpty }
    var first: ClosedRange<UInt64>? { ranges.first }
    /// How many numbers the set holds.
    var count: UInt64 { ranges.reduce(0) { $0 &+ ($1.upperBound - $1.lowerBound &+ 1) } }

    func contains(_ value: UInt64) -> Bool { ranges.contains { $0.contains(value) } }

    /// Adds `range`, merging it with any range it overlaps or touches.
    mutating func insert(_ range: ClosedRange<UInt64>) {
        var lower = range.lowerBound
        var upper = range.upperBound
        var kept: [ClosedRange<UInt64>] = []
        kept.reserveCapacity(ranges.count + 1)
        var placed = false
        for existing in ranges {
            if existing.upperBound < lower, lower - existing.upperBound > 1 {
                kept.append(existing)
            } else if existing.lowerBound > upper, existing.lowerBound - upper > 1 {
                if !placed {
                    kept.append(lower...upper)
                    placed = true
                }
                kept.append(existing)
            } else {
                lower = min(lower, existing.lowerBound)
                upper = max(upper, existing.upperBound)
            }
        }
        if !placed { kept.append(lower...upper) }
        ranges = kept
    }

    /// Removes every number of `range`.
    mutating func subtract(_ range: ClosedRange<UInt64>) {
        var kept: [ClosedRange<UInt64>] = []
        for existing in ranges {
            guard existing.overlaps(range) else {
                kept.append(existing)
                continue
            }
            if existing.lowerBound < range.lowerBound { kept.append(existing.lowerBound...(range.lowerBound - 1)) }
            if existing.upperBound > range.upperBound { kept.append((range.upperBound + 1)...existing.upperBound) }
        }
        ranges = kept
    }

    /// Removes every number below `value`.
    mutating func removeBelow(_ value: UInt64) {
        guard value > 0 else { return }
        subtract(0...(value - 1))
    }

    /// Removes every number up to `value` included (what a peer holding `value` has).
    mutating func removeThrough(_ value: UInt64) { subtract(0...value) }

    /// Removes the lowest range entirely.
    mutating func removeFirst() { ranges.removeFirst() }
}

/// A first-in, first-out list of streams that only ever loses its head.
struct StreamQueue: Hashable, Sendable {
    private var items: [StreamID] = []
    private var head = 0

    var isEmpty: Bool { head == items.count }
    var count: Int { items.count - head }

    /// The `offset`-th stream from the head, or nil past the end.
    func peek(_ offset: Int) -> StreamID? { head + offset < items.count ? items[head + offset] : nil }

    mutating func append(_ stream: StreamID) { items.append(stream) }

    /// Removes the first `count` streams, compacting the storage once half of it is dead.
    mutating func removeFirst(_ count: Int) {
        head += count
        if head == items.count {
            items.removeAll(keepingCapacity: true)
            head = 0
        } else if head > 1024, head * 2 > items.count {
            items.removeFirst(head)
            head = 0
        }
    }
}
