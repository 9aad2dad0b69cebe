/// A small, fast, seedable random generator (SplitMix64) for property tests and simulations.
///
/// The system generator cannot be replayed; with this one a failing case is reproduced exactly
/// from the seed it prints. It is not for keys or anything secret.
public struct SeededRandom: RandomNumberGenerator, Sendable {
    /// The seed this generator started from, to print when a property fails.
    public let seed: UInt64
    private var state: UInt64

    /// Starts a generator; equal seeds give equal sequences on every platform.
    public init(seed: UInt64) {
        self.seed = seed
        self.state = seed
    }

    /// The next 64 random bits (SplitMix64, Steele et al. 2014).
    public mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var mixed = state
        mixed = (mixed ^ (mixed >> 30)) &* 0xBF58_476D_1CE4_E5B9
        mixed = (mixed ^ (mixed >> 27)) &* 0x94D0_49BB_1331_11EB
        return mixed ^ (mixed >> 31)
    }

    /// `count` random bytes, for device ids, record ids and delta ids in tests.
    public mutating func bytes(_ count: Int) -> [UInt8] {
        (0..<count).map { _ in UInt8(truncatingIfNeeded: next()) }
    }

    /// True with probability `probability`.
    public mutating func chance(_ probability: Double) -> Bool {
        Double.random(in: 0..<1, using: &self) < probability
    }
}
