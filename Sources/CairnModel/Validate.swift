/// The syntax rules of record content, shared by local writes and received changes.
///
/// Keeping the rules in the model, not in the API or the store, means a peer refuses exactly what
/// a local writer would have refused, so a write can never be accepted in one place and rejected
/// in another.
public enum Validate {
    /// Field names are ASCII words (`[A-Za-z0-9_.-]`, 1 to 128 bytes) so that they are safe as
    /// JSON keys, SQL column-like identifiers and command-line arguments.
    public static func fieldName(_ name: String) throws {
        let bytes = Array(name.utf8)
        guard (1...ModelLimits.maxFieldNameBytes).contains(bytes.count),
            bytes.allSatisfy(isFieldNameByte)
        else { throw ModelError.invalidFieldName(name) }
    }

    /// Tags are 1 to 128 bytes of printable text with no whitespace, control, format or
    /// unassigned characters, so that a tag always looks like what it is when printed and cannot
    /// hide characters from a reviewer.
    public static func tag(_ tag: String) throws {
        let size = tag.utf8.count
        guard (1...ModelLimits.maxTagBytes).contains(size), tag.unicodeScalars.allSatisfy(isPrintable)
        else { throw ModelError.invalidTag(tag) }
    }

    /// Record types are lowercase words (`[a-z0-9][a-z0-9_-]*`, 1 to 64 bytes), so that one
    /// kind of record has one spelling across agencies.
    public static func recordType(_ type: String) throws {
        let bytes = Array(type.utf8)
        guard (1...ModelLimits.maxTypeBytes).contains(bytes.count),
            isTypeStartByte(bytes[0]),
            bytes.allSatisfy({ isTypeStartByte($0) || $0 == UInt8(ascii: "_") || $0 == UInt8(ascii: "-") })
        else { throw ModelError.invalidRecordType(type) }
    }

    /// Agency names as charters spell them (`[a-z0-9][a-z0-9-]{0,31}`); the model cannot see
    /// the charter, so this checks the syntax only.
    public static func isAgencyName(_ name: String) -> Bool {
        let bytes = Array(name.utf8)
        guard (1...32).contains(bytes.count), isTypeStartByte(bytes[0]) else { return false }
        return bytes.allSatisfy { isTypeStartByte($0) || $0 == UInt8(ascii: "-") }
    }

    /// Field values must be encodable as JSON (finite numbers), nest at most
    /// `ModelLimits.maxNestingDepth` deep and encode to at most `ModelLimits.maxFieldValueBytes`.
    /// Depth is checked first, so the later checks never recurse deeply.
    public static func fieldValue(_ value: FieldValue) throws {
        if value.nestsDeeper(than: ModelLimits.maxNestingDepth) {
            throw ModelError.nestingTooDeep(limit: ModelLimits.maxNestingDepth)
        }
        guard value.isFinite else { throw ModelError.nonFiniteNumber }
        let size = value.encodedSizeEstimate
        guard size <= ModelLimits.maxFieldValueBytes else {
            throw ModelError.fieldValueTooLarge(estimatedBytes: size, limit: ModelLimits.maxFieldValueBytes)
        }
    }

    private static func isFieldNameByte(_ byte: UInt8) -> Bool {
        switch byte {
        case UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "a")...UInt8(ascii: "z"),
            UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "_"), UInt8(ascii: "."), UInt8(ascii: "-"):
            return true
        default:
            return false
        }
    }

    private static func isTypeStartByte(_ byte: UInt8) -> Bool {
        switch byte {
        case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "0")...UInt8(ascii: "9"): return true
        default: return false
        }
    }

    private static func isPrintable(_ scalar: Unicode.Scalar) -> Bool {
        if scalar.properties.isWhitespace { return false }
        switch scalar.properties.generalCategory {
        case .control, .format, .surrogate, .privateUse, .unassigned,
            .spaceSeparator, .lineSeparator, .paragraphSeparator:
            return false
        default:
            return true
        }
    }
}
