import CairnCrypto

/// Delta envelopes built byte by byte, for tests that must send what no honest device would
/// produce (a signature by the wrong key, a body changed after signing). The real sealing code
/// refuses to make such envelopes, so these follow the format in `Proto/cairn/v1/delta.proto`
/// independently.
public enum HandMadeEnvelope {
    /// What an author signs: "cairn/v1/delta" || 0x00 || u32be(header length) || header ||
    /// BLAKE2b-256(body).
    public static func signedMessage(header: [UInt8], body: [UInt8]) -> [UInt8] {
        let length = UInt32(header.count)
        return Array("cairn/v1/delta".utf8) + [0]
            + [UInt8(length >> 24), UInt8((length >> 16) & 0xff), UInt8((length >> 8) & 0xff), UInt8(length & 0xff)]
            + header + BLAKE2b.hash(body)
    }

    /// A serialized `DeltaEnvelope`: fields 1 (header), 2 (body) and 3 (signature) as
    /// length-delimited bytes, in order, which is also the canonical encoding.
    public static func encode(header: [UInt8], body: [UInt8], signature: [UInt8]) -> [UInt8] {
        func field(_ number: UInt8, _ bytes: [UInt8]) -> [UInt8] {
            var length = bytes.count
            var varint: [UInt8] = []
            repeat {
                varint.append(UInt8(length & 0x7f) | (length > 0x7f ? 0x80 : 0))
                length >>= 7
            } while length > 0
            return [number << 3 | 2] + varint + bytes
        }
        return field(1, header) + field(2, body) + field(3, signature)
    }
}
