/// Strict RFC 4648 base64 (standard alphabet, with padding), for armored files.
///
/// Strict means one encoding per byte string: no characters outside the alphabet, padding only
/// at the end, and no stray bits in the last character, so that two different texts never
/// decode to the same bytes without notice.
enum Base64 {
    private static let alphabet: [UInt8] = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/".utf8)
    private static let values: [UInt8] = {
        var table = [UInt8](repeating: 0xFF, count: 256)
        for (index, char) in alphabet.enumerated() { table[Int(char)] = UInt8(index) }
        return table
    }()

    /// The base64 text of `bytes`.
    static func encode(_ bytes: [UInt8]) -> String {
        var out: [UInt8] = []
        out.reserveCapacity((bytes.count + 2) / 3 * 4)
        var index = 0
        while index < bytes.count {
            let b0 = bytes[index]
            let b1 = index + 1 < bytes.count ? bytes[index + 1] : 0
            let b2 = index + 2 < bytes.count ? bytes[index + 2] : 0
            out.append(alphabet[Int(b0 >> 2)])
            out.append(alphabet[Int((b0 & 0x03) << 4 | b1 >> 4)])
            out.append(index + 1 < bytes.count ? alphabet[Int((b1 & 0x0F) << 2 | b2 >> 6)] : UInt8(ascii: "="))
            out.append(index + 2 < bytes.count ? alphabet[Int(b2 & 0x3F)] : UInt8(ascii: "="))
            index += 3
        }
        return String(decoding: out, as: UTF8.self)
    }

    /// The bytes of base64 `text`; throws `malformedArmor` for anything but canonical base64.
    static func decode(_ text: some Collection<UInt8>) throws -> [UInt8] {
        let chars = Array(text)
        guard chars.count % 4 == 0 else { throw TrustError.malformedArmor(reason: "base64 length is not a multiple of 4") }
        var out: [UInt8] = []
        out.reserveCapacity(chars.count / 4 * 3)
        var index = 0
        while index < chars.count {
            let isLast = index + 4 == chars.count
            let quad = chars[index..<index + 4]
            let padding = quad.reversed().prefix { $0 == UInt8(ascii: "=") }.count
            guard padding == 0 || (isLast && padding <= 2) else {
                throw TrustError.malformedArmor(reason: "misplaced base64 padding")
            }
            var sextets: [UInt8] = []
            for char in quad.dropLast(padding) {
                let value = values[Int(char)]
                guard value != 0xFF else { throw TrustError.malformedArmor(reason: "invalid base64 character") }
                sextets.append(value)
            }
            while sextets.count < 4 { sextets.append(0) }
            let triple = [sextets[0] << 2 | sextets[1] >> 4, sextets[1] << 4 | sextets[2] >> 2, sextets[2] << 6 | sextets[3]]
            // Canonical form: the bits after the last whole byte must be zero.
            if padding == 2 && sextets[1] & 0x0F != 0 || padding == 1 && sextets[2] & 0x03 != 0 {
                throw TrustError.malformedArmor(reason: "non-canonical base64")
            }
            out.append(contentsOf: triple.prefix(3 - padding))
            index += 4
        }
        return out
    }
}
