/// The stable identifier of a record.
///
/// Ids are short ASCII words (`[A-Za-z0-9._-]`, 1 to 64 characters, not starting with `.` or
/// `-`) so that they are safe in file names, URLs, command lines and logs without escaping.
/// Generated ids are 128 random bits, enough that devices never coordinate to avoid collisions.
public struct RecordID: Hashable, Comparable, Sendable, CustomStringConvertible {
    /// The longest id accepted.
    public static let maxLength = 64

    /// The id as written.
    public let rawValue: String

    /// Validates an id typed by a person or read from a delta.
    public init(_ raw: String) throws {
        let bytes = Array(raw.utf8)
        guard !bytes.isEmpty else {
            throw ModelError.invalidRecordID(raw, reason: "it is empty")
        }
        guard bytes.count <= Self.maxLength else {
            throw ModelError.invalidRecordID(raw, reason: "it is longer than \(Self.maxLength) characters")
        }
        guard bytes.allSatisfy(Self.isIDByte) else {
            throw ModelError.invalidRecordID(raw, reason: "use only A-Z, a-z, 0-9, '.', '_' and '-'")
        }
        guard bytes[0] != UInt8(ascii: "."), bytes[0] != UInt8(ascii: "-") else {
            throw ModelError.invalidRecordID(raw, reason: "it must not start with '.' or '-'")
        }
        self.rawValue = raw
    }

    private init(unchecked raw: String) {
        self.rawValue = raw
    }

    /// Makes a fresh id from 16 random bytes: 26 characters of lowercase Crockford base32, which
    /// avoids letters people confuse (i, l, o, u). The caller supplies the randomness so that the
    /// model stays pure and tests stay deterministic. Passing other than 16 bytes is a
    /// programming error.
    public static func generate(randomBytes: [UInt8]) -> RecordID {
        precondition(randomBytes.count == 16, "RecordID.generate needs exactly 16 random bytes")
        return RecordID(unchecked: CrockfordBase32.encode(randomBytes))
    }

    /// Orders ids by their text, for stable listings.
    public static func < (lhs: RecordID, rhs: RecordID) -> Bool {
        lhs.rawValue.utf8.lexicographicallyPrecedes(rhs.rawValue.utf8)
    }

    /// The id as written.
    public var description: String { rawValue }

    private static func isIDByte(_ byte: UInt8) -> Bool {
        switch byte {
        case UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "a")...UInt8(ascii: "z"),
            UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "."), UInt8(ascii: "_"), UInt8(ascii: "-"):
            return true
        default:
            return false
        }
    }
}
