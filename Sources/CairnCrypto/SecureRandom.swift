import CSodium

/// Cryptographically secure randomness from the operating system (libsodium's `randombytes`).
public enum SecureRandom {
    /// `count` random bytes.
    public static func bytes(_ count: Int) -> [UInt8] {
        Sodium.ensure()
        var out = [UInt8](repeating: 0, count: count)
        out.withUnsafeMutableBytes { randombytes_buf($0.baseAddress!, $0.count) }
        return out
    }

    /// `count` random bytes kept as a secret.
    public static func secret(_ count: Int) -> SecureBytes {
        Sodium.ensure()
        return SecureBytes(count: count) { randombytes_buf($0.baseAddress!, $0.count) }
    }

    /// A uniformly distributed integer in `0..<upperBound` (no modulo bias).
    public static func uniform(_ upperBound: UInt32) -> UInt32 {
        precondition(upperBound > 0, "SecureRandom.uniform needs an upper bound above 0")
        Sodium.ensure()
        return randombytes_uniform(upperBound)
    }
}

/// A `RandomNumberGenerator` backed by `SecureRandom`, for APIs such as `shuffled(using:)`.
public struct SecureRandomGenerator: RandomNumberGenerator, Sendable {
    public init() {}

    public mutating func next() -> UInt64 {
        Sodium.ensure()
        var value: UInt64 = 0
        withUnsafeMutableBytes(of: &value) { randombytes_buf($0.baseAddress!, 8) }
        return value
    }
}
