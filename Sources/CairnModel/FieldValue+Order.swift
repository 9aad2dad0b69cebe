extension FieldValue {
    /// A total order on values, used only to break the tie when one author has (wrongly or
    /// maliciously) issued two different writes with one stamp. Without it, which of the two a
    /// replica kept would depend on arrival order and replicas would diverge.
    ///
    /// Unlike `==`, it tells `-0.0` from `0.0` and compares strings by their UTF-8 bytes, so the
    /// value kept is the same down to its encoding.
    static func canonicallyPrecedes(_ lhs: FieldValue?, _ rhs: FieldValue?) -> Bool {
        switch (lhs, rhs) {
        case (nil, nil): return false
        case (nil, _): return true
        case (_, nil): return false
        case (let left?, let right?): return compare(left, right) < 0
        }
    }

    /// -1, 0 or 1 as `lhs` sorts before, with or after `rhs`.
    private static func compare(_ lhs: FieldValue, _ rhs: FieldValue) -> Int {
        switch (lhs, rhs) {
        case (.null, .null): return 0
        case (.bool(let a), .bool(let b)): return a == b ? 0 : (b ? -1 : 1)
        case (.int(let a), .int(let b)): return a == b ? 0 : (a < b ? -1 : 1)
        case (.double(let a), .double(let b)): return compareTotally(a, b)
        case (.string(let a), .string(let b)): return compareBytes(a, b)
        case (.array(let a), .array(let b)):
            for (x, y) in zip(a, b) {
                let order = compare(x, y)
                if order != 0 { return order }
            }
            return a.count == b.count ? 0 : (a.count < b.count ? -1 : 1)
        case (.object(let a), .object(let b)):
            let left = a.sorted { $0.key.utf8.lexicographicallyPrecedes($1.key.utf8) }
            let right = b.sorted { $0.key.utf8.lexicographicallyPrecedes($1.key.utf8) }
            for (x, y) in zip(left, right) {
                let keyOrder = compareBytes(x.key, y.key)
                if keyOrder != 0 { return keyOrder }
                let valueOrder = compare(x.value, y.value)
                if valueOrder != 0 { return valueOrder }
            }
            return left.count == right.count ? 0 : (left.count < right.count ? -1 : 1)
        default:
            return lhs.kindRank < rhs.kindRank ? -1 : 1
        }
    }

    private var kindRank: Int {
        switch self {
        case .null: return 0
        case .bool: return 1
        case .int: return 2
        case .double: return 3
        case .string: return 4
        case .array: return 5
        case .object: return 6
        }
    }

    private static func compareTotally(_ a: Double, _ b: Double) -> Int {
        if a.bitPattern == b.bitPattern { return 0 }
        return a.isTotallyOrdered(belowOrEqualTo: b) ? -1 : 1
    }

    private static func compareBytes(_ a: String, _ b: String) -> Int {
        if a.utf8.elementsEqual(b.utf8) { return 0 }
        return a.utf8.lexicographicallyPrecedes(b.utf8) ? -1 : 1
    }
}
