/// Hex rendering of ids for error messages and logs.
enum Hex {
    private static let digits = Array("0123456789abcdef")

    /// All bytes, lowercase.
    static func full(_ bytes: [UInt8]) -> String {
        var out = ""
        out.reserveCapacity(bytes.count * 2)
        for byte in bytes {
            out.append(digits[Int(byte >> 4)])
            out.append(digits[Int(byte & 0x0F)])
        }
        return out
    }

    /// The first 8 bytes, enough to tell ids apart in a message without flooding it.
    static func short(_ bytes: [UInt8]) -> String {
        bytes.count <= 8 ? full(bytes) : full(Array(bytes.prefix(8))) + "…"
    }
}
