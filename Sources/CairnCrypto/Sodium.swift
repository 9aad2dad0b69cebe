import CSodium

/// One-time libsodium initialisation. Every entry point of this module calls `ensure()` first,
/// so callers never have to remember to.
public enum Sodium {
    private static let initialized: Bool = sodium_init() >= 0

    /// Initialises libsodium once; traps if it cannot (there is no safe way to continue).
    @inline(__always)
    public static func ensure() {
        precondition(initialized, "\(CryptoError.initializationFailed)")
    }
}
