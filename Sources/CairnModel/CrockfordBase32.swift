/// Lowercase Crockford base32, used for generated record ids.
enum CrockfordBase32 {
    private static let alphabet: [UInt8] = Array("0123456789abcdefghjkmnpqrstvwxyz".utf8)

    /// Encodes `bytes` most significant bit first, padding with zero bits at the front so that
    /// the output is a whole number of characters (16 bytes give 26 characters, the first 0-7).
    static func encode(_ bytes: [UInt8]) -> String {
        let totalBits = bytes.count * 8
        let characters = (totalBits + 4) / 5
        var accumulator: UInt32 = 0
        var pending = characters * 5 - totalBits  // leading zero bits
        var out: [UInt8] = []
        out.reserveCapacity(characters)
        for byte in bytes {
            accumulator = accumulator << 8 | UInt32(byte)
            pending += 8
            while pending >= 5 {
                pending -= 5
                out.append(alphabet[Int((accumulator >> UInt32(pending)) & 0x1F)])
            }
            accumulator &= (1 << UInt32(pending)) - 1
        }
        return String(decoding: out, as: UTF8.self)
    }
}
