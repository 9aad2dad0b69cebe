/// Why a bundle or a vector file was refused. Every case says what was wrong; none leaks what
/// the bundle carries. The daemon maps them onto the control API's `bundle_*` codes.
public enum BundleError: Error, Equatable, Sendable, CustomStringConvertible {
    /// More bytes (or items) than the format allows; refused before anything was allocated.
    case tooLarge(what: String, size: Int, limit: Int)
    /// The bytes are not a well-formed bundle or vector file.
    case malformed(String)
    /// The file ends before its last chunk, or its payload stream was cut before the final chunk.
    case truncated(String)
    /// A format version this build does not understand.
    case unsupportedFormat(UInt32)
    /// The header's (or vector file's) signature does not verify under the signer's key.
    case badSignature
    /// The content key or a chunk could not be opened: altered bytes, or another recipient.
    case decryptionFailed(String)

    public var description: String {
        switch self {
        case .tooLarge(let what, let size, let limit):
            return "\(what) of \(size) exceeds the limit of \(limit)"
        case .malformed(let detail):
            return "malformed bundle: \(detail)"
        case .truncated(let detail):
            return "the bundle is truncated: \(detail)"
        case .unsupportedFormat(let format):
            return "bundle format \(format) is not supported by this version"
        case .badSignature:
            return "the bundle's signature does not verify under its sender's key (altered, or forged)"
        case .decryptionFailed(let detail):
            return "the bundle could not be decrypted: \(detail) (altered, or sealed for another device)"
        }
    }
}
