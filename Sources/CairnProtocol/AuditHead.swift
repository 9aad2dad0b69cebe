import CairnCrypto
import CairnModel
import CairnTrust

/// The head of a device's audit log (the last entry's sequence number and hash), signed by the
/// device. A copy kept outside the log (the anchor file beside the store, and every peer the
/// site syncs with) shows when the log's newest entries are cut off: a hash chain alone cannot.
///
/// The signature covers a domain label, so it cannot be mistaken for any other object the
/// device signs (deltas, exported heads, acknowledgements).
public struct AuditHead: Hashable, Sendable, CustomStringConvertible {
    /// The length of an entry hash (BLAKE2b-256).
    public static let hashLength = 32
    static let domain = Array("cairn/v1/audit-anchor\0".utf8)

    /// The signer, whose log this is.
    public let device: DeviceID
    /// The last entry's sequence number (at least 1).
    public let seq: UInt64
    /// The last entry's hash.
    public let hash: [UInt8]
    /// When the head was signed, milliseconds since the Unix epoch (informational: heads are
    /// ordered by `seq`, never by time).
    public let signedAt: UInt64
    public let signature: [UInt8]

    /// Wraps the fields of a head as received or read; checks their shapes, not the signature
    /// (`isValid(for:)`).
    public init(device: DeviceID, seq: UInt64, hash: [UInt8], signedAt: UInt64, signature: [UInt8]) throws(AuditHeadError) {
        guard seq >= 1 else { throw .invalid("sequence number 0") }
        guard hash.count == Self.hashLength else { throw .invalid("hash of \(hash.count) bytes") }
        guard signature.count == Ed25519.signatureLength else { throw .invalid("signature of \(signature.count) bytes") }
        self.device = device
        self.seq = seq
        self.hash = hash
        self.signedAt = signedAt
        self.signature = signature
    }

    /// Signs the head `(seq, hash)` of `keys`' device.
    public static func sign(seq: UInt64, hash: [UInt8], signedAt: UInt64, keys: DeviceSecretKeys) throws(AuditHeadError) -> AuditHead {
        let message = signedBytes(device: keys.deviceID, seq: seq, hash: hash, signedAt: signedAt)
        return try AuditHead(
            device: keys.deviceID, seq: seq, hash: hash, signedAt: signedAt, signature: keys.signing.signature(for: message))
    }

    /// Whether the head is signed by `device` (whose id is its signing key) and names it.
    public func isValid(for device: DeviceID) -> Bool {
        guard self.device == device, let key = try? Ed25519.PublicKey(bytes: device.bytes) else { return false }
        return key.isValidSignature(signature, for: Self.signedBytes(device: device, seq: seq, hash: hash, signedAt: signedAt))
    }

    /// `"cairn/v1/audit-anchor" 0x00 || device || u64be(seq) || hash || u64be(signedAt)`.
    static func signedBytes(device: DeviceID, seq: UInt64, hash: [UInt8], signedAt: UInt64) -> [UInt8] {
        domain + device.bytes + bigEndian(seq) + hash + bigEndian(signedAt)
    }

    static func bigEndian(_ value: UInt64) -> [UInt8] {
        withUnsafeBytes(of: value.bigEndian, Array.init)
    }

    /// The device's short id and the sequence number (never the hash in full).
    public var description: String { "\(device.short)@\(seq)" }
}

/// Why an audit head (from a peer, or the anchor file) was refused.
public enum AuditHeadError: Error, Hashable, Sendable, CustomStringConvertible {
    /// A field has the wrong shape (length, zero sequence number).
    case invalid(String)
    /// The anchor file is not one (wrong length or magic).
    case notAnAnchor(String)

    public var description: String {
        switch self {
        case .invalid(let detail): return "invalid audit head: \(detail)"
        case .notAnAnchor(let detail): return "not an audit anchor file: \(detail)"
        }
    }
}
