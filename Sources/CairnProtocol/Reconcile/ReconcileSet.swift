/// The items one side brings to a session, sorted by key, one per key.
///
/// Keys and values are stored flat (one buffer each) so that sets of 100,000 items cost two
/// allocations, and binary searches compare bytes in place. A set is a snapshot: the session
/// reconciles what the set held when it was built, and the next session sees later changes.
public struct ReconcileSet: Sendable {
    /// Which set this is; fixes the value length.
    public let kind: ReconcileSetKind
    /// How many items it holds.
    public let count: Int
    let keys: [UInt8]
    let values: [UInt8]

    /// Sorts `items` and checks them: 32-byte keys, values of the kind's length, no key twice,
    /// at most `limit` items. Throws `invalidLocalSet` otherwise (a bug in the caller).
    public init(kind: ReconcileSetKind, items: [ReconcileItem], limit: Int = ReconcileLimits.default.maxSetItems)
        throws(ReconcileError)
    {
        guard items.count <= limit else { throw .invalidLocalSet("\(items.count) items, over the limit of \(limit)") }
        let sorted = items.sorted()
        var keys: [UInt8] = []
        var values: [UInt8] = []
        keys.reserveCapacity(sorted.count * ReconcileItem.keyLength)
        values.reserveCapacity(sorted.count * kind.valueLength)
        for (index, item) in sorted.enumerated() {
            guard item.key.count == ReconcileItem.keyLength else {
                throw .invalidLocalSet("a key of \(item.key.count) bytes")
            }
            guard item.value.count == kind.valueLength else {
                throw .invalidLocalSet("a value of \(item.value.count) bytes for \(kind) (\(kind.valueLength) expected)")
            }
            if index > 0, sorted[index - 1].key == item.key { throw .invalidLocalSet("one key twice") }
            keys += item.key
            values += item.value
        }
        self.kind = kind
        self.count = sorted.count
        self.keys = keys
        self.values = values
    }

    /// The item at `index` (0 ..< count), in key order.
    public subscript(index: Int) -> ReconcileItem {
        ReconcileItem(key: key(index), value: value(index))
    }

    /// Every item, in key order.
    public var items: [ReconcileItem] { (0..<count).map { self[$0] } }

    func key(_ index: Int) -> [UInt8] {
        Array(keys[index * ReconcileItem.keyLength..<(index + 1) * ReconcileItem.keyLength])
    }

    func value(_ index: Int) -> [UInt8] {
        Array(values[index * kind.valueLength..<(index + 1) * kind.valueLength])
    }

    /// Calls `body` with the 32 bytes of key `index`, without copying.
    func withKey<T>(_ index: Int, _ body: (UnsafeRawBufferPointer) -> T) -> T {
        keys.withUnsafeBytes { all in
            body(UnsafeRawBufferPointer(rebasing: all[index * ReconcileItem.keyLength..<(index + 1) * ReconcileItem.keyLength]))
        }
    }

    /// The first index in `range` whose key lies at or after `bound` (`range.upperBound` if
    /// none): a binary search, O(log n).
    func firstIndex(atOrAfter bound: ReconcileBound, in range: Range<Int>) -> Int {
        if case .infinity = bound { return range.upperBound }
        var (low, high) = (range.lowerBound, range.upperBound)
        while low < high {
            let middle = (low + high) / 2
            if withKey(middle, { bound.admits($0) }) { high = middle } else { low = middle + 1 }
        }
        return low
    }

    /// The indices of the items in `[lower, upper)`.
    func indices(from lower: ReconcileBound, to upper: ReconcileBound) -> Range<Int> {
        let start = firstIndex(atOrAfter: lower, in: 0..<count)
        return start..<firstIndex(atOrAfter: upper, in: start..<count)
    }

    /// The index of `key`, if the set holds it.
    func index(of key: [UInt8]) -> Int? {
        guard key.count == ReconcileItem.keyLength else { return nil }
        let index = firstIndex(atOrAfter: .key(key), in: 0..<count)
        return index < count && self.key(index) == key ? index : nil
    }

    /// The value held under `key`, if any.
    public func value(for key: [UInt8]) -> [UInt8]? {
        index(of: key).map(value)
    }

    /// The shortest bound separating item `index - 1` from item `index`.
    func bound(before index: Int) -> ReconcileBound {
        withKey(index - 1) { previous in withKey(index) { next in ReconcileBound.between(previous, next) } }
    }
}
