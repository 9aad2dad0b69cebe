/// Percent-encoding for the parts of control-API request targets.
///
/// Record ids and query values are user input: every byte outside RFC 3986's unreserved set
/// is encoded, so an id containing `/`, `?`, `#`, `%` or spaces cannot change the route.
public enum ControlPath {
    /// Encodes one path segment or query value.
    public static func encode(_ component: String) -> String {
        var encoded = ""
        encoded.reserveCapacity(component.utf8.count)
        for byte in component.utf8 {
            if isUnreserved(byte) {
                encoded.unicodeScalars.append(Unicode.Scalar(byte))
            } else {
                encoded += "%" + hexDigit(byte >> 4) + hexDigit(byte & 0x0F)
            }
        }
        return encoded
    }

    /// The target of the route for one record, with `suffix` segments after the id.
    public static func record(_ id: String, _ suffix: String...) -> String {
        (["/v1/records/" + encode(id)] + suffix.map(encode)).joined(separator: "/")
    }

    /// Appends a query string built from the present items, in the given order.
    public static func withQuery(_ path: String, _ items: [(name: String, value: String?)]) -> String {
        let present = items.compactMap { item in item.value.map { encode(item.name) + "=" + encode($0) } }
        return present.isEmpty ? path : path + "?" + present.joined(separator: "&")
    }

    private static func isUnreserved(_ byte: UInt8) -> Bool {
        switch byte {
        case UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "a")...UInt8(ascii: "z"),
            UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "-"), UInt8(ascii: "."), UInt8(ascii: "_"),
            UInt8(ascii: "~"):
            return true
        default:
            return false
        }
    }

    private static func hexDigit(_ nibble: UInt8) -> String {
        String(UnicodeScalar(nibble < 10 ? nibble + 48 : nibble + 55))
    }
}
