import Foundation

/// Writing an entry's detail object: the stored form is a compact JSON object of strings with
/// sorted keys, the bytes its hash covers.
///
/// Written by hand because `JSONSerialization` cost about 47 µs per write on the write path
/// (bridging to `NSDictionary`, a locale-aware sort, one `String` per escaped scalar). The bytes
/// are those `JSONSerialization` with `.sortedKeys` and `.withoutEscapingSlashes` wrote before
/// (checked against it in `AuditDetailTests`), so entries read the same whichever wrote them.
/// Stored entries never depend on this: verification hashes the detail as stored.
extension AuditDetail {
    /// `fields` as JSON: keys in `JSONSerialization`'s order, strings escaped as it escapes them
    /// (`"`, `\`, and the C0 controls: `\b \f \n \r \t`, else `\u00xx` in lower-case hex);
    /// everything else, `/` and non-ASCII included, as it is.
    static func encode(_ fields: [String: String]) -> String {
        var out: [UInt8] = []
        out.reserveCapacity(fields.reduce(2) { $0 + $1.key.utf8.count + $1.value.utf8.count + 6 })
        out.append(UInt8(ascii: "{"))
        for (index, key) in sortedKeys(fields.keys).enumerated() {
            if index > 0 { out.append(UInt8(ascii: ",")) }
            appendString(key, to: &out)
            out.append(UInt8(ascii: ":"))
            appendString(fields[key]!, to: &out)
        }
        out.append(UInt8(ascii: "}"))
        return String(decoding: out, as: UTF8.self)
    }

    /// The keys in the order `JSONSerialization` sorts them: `compare` with numeric,
    /// case-insensitive and forced ordering in the system locale. Keys made only of ASCII
    /// letters and `_` that differ in more than case (every key the daemon writes) sort the same
    /// by their lower-cased bytes, without Foundation; any other set takes Foundation's
    /// comparison itself.
    static func sortedKeys(_ keys: Dictionary<String, String>.Keys) -> [String] {
        let folded = keys.map { key -> (key: String, fold: [UInt8]?) in (key, simpleFold(key)) }
        if folded.allSatisfy({ $0.fold != nil }), Set(folded.map { $0.fold! }).count == folded.count {
            return folded.sorted { $0.fold!.lexicographicallyPrecedes($1.fold!) }.map(\.key)
        }
        let locale = NSLocale.system
        return keys.sorted { a, b in
            a.compare(b, options: [.numeric, .caseInsensitive, .forcedOrdering], range: a.startIndex..<a.endIndex, locale: locale)
                == .orderedAscending
        }
    }

    /// The key's bytes with ASCII letters lower-cased, or nil if it holds anything but ASCII
    /// letters and `_` (for which the byte order and Foundation's may differ).
    private static func simpleFold(_ key: String) -> [UInt8]? {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(key.utf8.count)
        for byte in key.utf8 {
            switch byte {
            case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "_"): bytes.append(byte)
            case UInt8(ascii: "A")...UInt8(ascii: "Z"): bytes.append(byte | 0x20)
            default: return nil
            }
        }
        return bytes
    }

    private static let hexDigits = Array("0123456789abcdef".utf8)

    /// Appends `text` as a JSON string. Works on UTF-8 bytes: every byte of a multi-byte scalar
    /// is 0x80 or above, so only ASCII is ever escaped, as `JSONSerialization` escapes scalars.
    private static func appendString(_ text: String, to out: inout [UInt8]) {
        out.append(UInt8(ascii: "\""))
        for byte in text.utf8 {
            switch byte {
            case UInt8(ascii: "\""): out.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "\"")])
            case UInt8(ascii: "\\"): out.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "\\")])
            case 0x08: out.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "b")])
            case 0x0C: out.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "f")])
            case 0x0A: out.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "n")])
            case 0x0D: out.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "r")])
            case 0x09: out.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "t")])
            case 0x00..<0x20:
                out.append(contentsOf: Array("\\u00".utf8))
                out.append(hexDigits[Int(byte >> 4)])
                out.append(hexDigits[Int(byte & 0x0F)])
            default: out.append(byte)
            }
        }
        out.append(UInt8(ascii: "\""))
    }
}
