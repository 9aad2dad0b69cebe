/// A point of the key space: the start of a range (included) or its end (excluded).
///
/// A bound is a key prefix of 0 to 32 bytes standing for that prefix padded with zero bytes,
/// or infinity (after every key). Prefixes are kept canonical (no trailing zero byte), so that
/// comparing two of them as byte strings (a proper prefix first) is comparing the padded keys,
/// and each point has one encoding. The empty prefix is the all-zero key, where the key space
/// starts.
public enum ReconcileBound: Hashable, Sendable, Comparable, CustomStringConvertible {
    /// The prefix of a key (canonical: at most 32 bytes, not ending in a zero byte).
    case key([UInt8])
    /// After every key: the end of the key space.
    case infinity

    /// The all-zero key: the start of the key space.
    public static let zero = ReconcileBound.key([])

    /// Most bytes a prefix has.
    public static let maxPrefixLength = ReconcileItem.keyLength

    public static func < (lhs: ReconcileBound, rhs: ReconcileBound) -> Bool {
        switch (lhs, rhs) {
        case (.key(let l), .key(let r)): return l.lexicographicallyPrecedes(r)
        case (.key, .infinity): return true
        case (.infinity, _): return false
        }
    }

    /// Whether `key` (32 bytes) lies at or after this bound.
    func admits(_ key: UnsafeRawBufferPointer) -> Bool {
        switch self {
        case .infinity:
            return false
        case .key(let prefix):
            // key >= prefix padded with zeros exactly when key's first bytes >= prefix.
            for index in prefix.indices {
                let byte = key[index]
                if byte != prefix[index] { return byte > prefix[index] }
            }
            return true
        }
    }

    /// The shortest bound above `previous` and at or below `next` (`previous` < `next`): `next`
    /// cut right after the first byte in which the two differ. Its last byte is that byte of
    /// `next`, which exceeds the one of `previous`, so it is never zero: the bound is canonical.
    static func between(_ previous: UnsafeRawBufferPointer, _ next: UnsafeRawBufferPointer) -> ReconcileBound {
        var shared = 0
        while shared < ReconcileItem.keyLength - 1, previous[shared] == next[shared] { shared += 1 }
        return .key(Array(next[0...shared]))
    }

    /// Why `prefix` is not a canonical upper bound, or nil. (An empty prefix on the wire means
    /// infinity, so it is not checked here.)
    static func defect(ofPrefix prefix: [UInt8]) -> String? {
        if prefix.count > maxPrefixLength { return "bound of \(prefix.count) bytes" }
        if prefix.last == 0 { return "bound ending in a zero byte (not canonical)" }
        return nil
    }

    /// A short form for test failures: the prefix in hex, or ∞.
    public var description: String {
        switch self {
        case .infinity: return "∞"
        case .key(let prefix): return prefix.isEmpty ? "0" : prefix.map { String($0, radix: 16) }.joined(separator: ".")
        }
    }
}
