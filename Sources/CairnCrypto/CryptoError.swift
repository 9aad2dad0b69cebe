/// Errors from the libsodium wrappers. A closed set: every case is a distinct way for a
/// cryptographic operation to refuse its input.
public enum CryptoError: Error, Equatable, Sendable, CustomStringConvertible {
    /// libsodium could not be initialised (no entropy source); nothing cryptographic can run.
    case initializationFailed
    /// A key, nonce or signature had the wrong number of bytes.
    case invalidLength(what: String, expected: Int, actual: Int)
    /// An AEAD ciphertext or sealed box failed authentication: wrong key or tampered bytes.
    case authenticationFailed
    /// A key derivation could not run (usually: not enough memory for the Argon2id parameters).
    case keyDerivationFailed

    public var description: String {
        switch self {
        case .initializationFailed:
            return "libsodium could not be initialised (is a random source available?)"
        case .invalidLength(let what, let expected, let actual):
            return "\(what) must be \(expected) bytes, got \(actual)"
        case .authenticationFailed:
            return "authentication failed: the data was tampered with or the key is wrong"
        case .keyDerivationFailed:
            return "key derivation failed (not enough memory for the Argon2id parameters?)"
        }
    }

    static func checkLength(_ bytes: some Collection, _ expected: Int, _ what: String) throws {
        if bytes.count != expected {
            throw CryptoError.invalidLength(what: what, expected: expected, actual: bytes.count)
        }
    }
}
