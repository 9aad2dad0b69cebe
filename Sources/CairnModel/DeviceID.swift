/// The identity of one device: its 32-byte Ed25519 signing public key.
///
/// Using the key itself as the id means a device cannot claim another's identity without its
/// private key. Ids are ordered by their bytes so that every replica breaks hybrid-clock ties the
/// same way, which is what makes last-writer-wins converge.
public struct DeviceID: Hashable, Comparable, Sendable, CustomStringConvertible {
    /// The number of bytes in an Ed25519 public key.
    public static let byteCount = 32

    /// The raw public key bytes, always exactly `byteCount` long.
    public let bytes: [UInt8]

    /// Wraps a public key, refusing anything that is not 32 bytes so that a malformed key never
    /// becomes an identity.
    public init(_ bytes: [UInt8]) throws {
        guard bytes.count == Self.byteCount else {
            throw ModelError.invalidDeviceID(byteCount: bytes.count)
        }
        self.bytes = bytes
    }

    /// Parses the lowercase or uppercase hexadecimal form, as typed by an operator or read from a
    /// charter.
    public init(hex: String) throws {
        try self.init(Hex.decode(hex))
    }

    /// The full lowercase hexadecimal form, for storage keys and exact comparison by people.
    public var hex: String { Hex.encode(bytes) }

    /// The first 8 hex characters: enough for a person to tell devices apart in logs.
    public var short: String { String(hex.prefix(8)) }

    /// The short form, because ids mostly appear in logs and messages read by people.
    public var description: String { short }

    /// Lexicographic order of the key bytes, the same on every replica.
    public static func < (lhs: DeviceID, rhs: DeviceID) -> Bool {
        lhs.bytes.lexicographicallyPrecedes(rhs.bytes)
    }
}
