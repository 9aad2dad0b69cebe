extension FieldValue {
    /// An upper bound on the length in bytes of this value as compact JSON.
    ///
    /// Limits are stated in bytes but the model has no encoder, so it bounds the encoding instead:
    /// a value that passes here cannot exceed the limit once encoded, whatever encoder the wire
    /// or store uses. Integers count 20 bytes, doubles 24 (the longest shortest-round-trip form),
    /// and each string byte counts as its escaped form (6 bytes for control characters).
    public var encodedSizeEstimate: Int {
        switch self {
        case .null: return 4
        case .bool: return 5
        case .int: return 20
        case .double: return 24
        case .string(let text): return Self.encodedSizeEstimate(of: text)
        case .array(let items):
            return 2 + items.reduce(max(items.count - 1, 0)) { $0 + $1.encodedSizeEstimate }
        case .object(let members):
            // Each member: key, a colon, the value; members are separated by commas.
            return 2 + members.reduce(max(members.count - 1, 0)) {
                $0 + Self.encodedSizeEstimate(of: $1.key) + 1 + $1.value.encodedSizeEstimate
            }
        }
    }

    /// An upper bound on the length of `text` as a quoted, escaped JSON string.
    static func encodedSizeEstimate(of text: String) -> Int {
        var text = text
        // Native strings are contiguous UTF-8: one pass without branches over their bytes (the
        // byte-by-byte walk of the UTF-8 view was the daemon's busiest function on the write
        // and replicate paths, run at every validation of every field).
        return text.withUTF8 { bytes in
            var extra = 0
            for byte in bytes {
                extra &+= (byte == UInt8(ascii: "\"") || byte == UInt8(ascii: "\\")) ? 1 : (byte < 0x20 ? 5 : 0)
            }
            return 2 + bytes.count + extra
        }
    }
}
