import CSodium

/// Comparisons whose running time does not depend on where two byte strings differ.
public enum ConstantTime {
    /// True when `a` and `b` hold the same bytes. Lengths are not secret: different lengths
    /// return false at once.
    public static func equals(_ a: UnsafeRawBufferPointer, _ b: UnsafeRawBufferPointer) -> Bool {
        Sodium.ensure()
        guard a.count == b.count else { return false }
        if a.count == 0 { return true }
        return sodium_memcmp(a.baseAddress!, b.baseAddress!, a.count) == 0
    }

    /// True when `a` and `b` hold the same bytes (see `equals(_:_:)` above).
    public static func equals(_ a: [UInt8], _ b: [UInt8]) -> Bool {
        a.withUnsafeBytes { pa in b.withUnsafeBytes { pb in equals(pa, pb) } }
    }
}
