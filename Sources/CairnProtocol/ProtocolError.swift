/// Why an envelope, a grant or a stored state was refused. Every case is a reason that is
/// logged and audited by the daemon; none of them leaks the content of what was refused.
public enum ProtocolError: Error, Equatable, Sendable, CustomStringConvertible {
    /// More bytes than the format allows; refused before anything was parsed.
    case tooLarge(what: String, size: Int, limit: Int)
    /// The bytes are not a well-formed message of the expected type.
    case malformed(what: String, detail: String)
    /// The envelope is well formed but not in its one canonical encoding (re-encoding attacks
    /// would otherwise give one signed delta two ids).
    case nonCanonical
    /// A header format this version does not understand.
    case unsupportedFormat(UInt32)
    /// The signature does not verify under the author's key.
    case badSignature
    /// The header names a different author than the key the caller verified with.
    case authorMismatch
    /// A records delta without an epoch, or a grant with one.
    case epochMismatch(String)
    /// The body could not be opened with the given key: wrong key or tampered ciphertext.
    case decryptionFailed
    /// The decrypted body contains an operation the model refuses (limits, names, values).
    case invalidBody(String)
    /// A grant was sealed to someone else.
    case grantNotForUs
    /// The delta was redacted (its record was withdrawn from the level): its body is gone and
    /// only its header, body hash and signature remain, so it can be verified but never opened.
    case redacted

    public var description: String {
        switch self {
        case .tooLarge(let what, let size, let limit):
            return "\(what) of \(size) bytes exceeds the limit of \(limit) bytes"
        case .malformed(let what, let detail):
            return "malformed \(what): \(detail)"
        case .nonCanonical:
            return "the envelope is not canonically encoded"
        case .unsupportedFormat(let format):
            return "delta format \(format) is not supported by this version"
        case .badSignature:
            return "the signature does not verify under the author's key"
        case .authorMismatch:
            return "the header names another author than the verifying key"
        case .epochMismatch(let detail):
            return "epoch mismatch: \(detail)"
        case .decryptionFailed:
            return "the body could not be decrypted: wrong key or tampered ciphertext"
        case .invalidBody(let detail):
            return "the body is invalid: \(detail)"
        case .grantNotForUs:
            return "the grant is sealed to another device"
        case .redacted:
            return "the delta was redacted (its record was withdrawn from the level); its body is gone"
        }
    }
}
