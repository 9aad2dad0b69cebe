import CairnCrypto

/// The binary layout inside an armored AGENCY KEY or DEVICE KEYS file.
///
///     offset  size  field
///     0       8     magic ("CAIRNAK1" or "CAIRNDK1")
///     8       1     flags: 0x00 plain, 0x01 sealed with a passphrase; other bits zero
///     plain:
///     9       n     payload
///     sealed:
///     9       8     Argon2id operations, big-endian
///     17      8     Argon2id memory in bytes, big-endian
///     25      16    Argon2id salt
///     41      n+40  XChaCha20-Poly1305: nonce (24) || ciphertext || tag (16),
///                   key = Argon2id(passphrase, salt, cost), associated data = bytes 0..<41
///
/// A fixed layout rather than protobuf: the format is tiny, never extended in place (a new
/// layout gets a new magic), and its parser must be obviously correct. The header is bound
/// as associated data, so lowering the cost or swapping the salt breaks the tag.
enum KeyFileFormat {
    static let agencyMagic: [UInt8] = Array("CAIRNAK1".utf8)
    static let deviceMagic: [UInt8] = Array("CAIRNDK1".utf8)
    static let plainFlag: UInt8 = 0x00
    static let sealedFlag: UInt8 = 0x01
    private static let sealedHeaderLength = 8 + 1 + 8 + 8 + Argon2id.saltLength
    // The most a file may ask of us (libsodium's "sensitive" memory), so a crafted file cannot
    // make a loader exhaust memory.
    private static let maxOperations: UInt64 = 16
    private static let maxMemoryBytes: UInt64 = 1 << 30

    /// The file bytes for `payload`, sealed under `passphrase` when one is given.
    static func encode(
        magic: [UInt8], payload: SecureBytes, passphrase: SecureBytes?, cost: Argon2id.Cost
    ) throws -> [UInt8] {
        guard let passphrase else {
            return magic + [plainFlag] + payload.copyBytes()
        }
        let salt = SecureRandom.bytes(Argon2id.saltLength)
        let header = magic + [sealedFlag] + bigEndian(cost.operations) + bigEndian(UInt64(cost.memoryBytes)) + salt
        let key = try deriveKey(passphrase, salt: salt, cost: cost)
        var plaintext = payload.copyBytes()
        defer { wipe(&plaintext) }
        return header + XChaCha20Poly1305.seal(plaintext, associatedData: header, key: key)
    }

    /// The payload of file `bytes` with `magic`, opening the seal with `passphrase` if needed.
    static func decode(magic: [UInt8], bytes: [UInt8], passphrase: SecureBytes?) throws -> SecureBytes {
        guard bytes.count > magic.count, Array(bytes[0..<magic.count]) == magic else {
            throw TrustError.malformedKeyFile(reason: "unknown magic; not a \(String(decoding: magic, as: UTF8.self)) key file")
        }
        let flags = bytes[magic.count]
        switch flags {
        case plainFlag:
            return SecureBytes(copying: bytes[(magic.count + 1)...])
        case sealedFlag:
            guard let passphrase else { throw TrustError.passphraseRequired }
            guard bytes.count >= sealedHeaderLength + XChaCha20Poly1305.overhead else {
                throw TrustError.malformedKeyFile(reason: "sealed file too short")
            }
            let header = Array(bytes[0..<sealedHeaderLength])
            let operations = readBigEndian(header, at: 9)
            let memory = readBigEndian(header, at: 17)
            guard (1...maxOperations).contains(operations), memory <= maxMemoryBytes else {
                throw TrustError.malformedKeyFile(reason: "Argon2id cost out of range")
            }
            let salt = Array(header[25..<sealedHeaderLength])
            let key = try deriveKey(
                passphrase, salt: salt, cost: Argon2id.Cost(operations: operations, memoryBytes: Int(memory)))
            do {
                var plaintext = try XChaCha20Poly1305.open(
                    Array(bytes[sealedHeaderLength...]), associatedData: header, key: key)
                defer { wipe(&plaintext) }
                return SecureBytes(copying: plaintext)
            } catch {
                throw TrustError.wrongPassphrase
            }
        default:
            throw TrustError.malformedKeyFile(reason: "unknown flags \(flags)")
        }
    }

    /// Overwrites a transient copy of secret bytes (best effort: arrays may have been copied).
    static func wipe(_ bytes: inout [UInt8]) {
        bytes.withUnsafeMutableBytes { raw in
            for index in raw.indices { raw[index] = 0 }
        }
    }

    private static func deriveKey(_ passphrase: SecureBytes, salt: [UInt8], cost: Argon2id.Cost) throws
        -> XChaCha20Poly1305.Key
    {
        do {
            return try XChaCha20Poly1305.Key(
                Argon2id.deriveKey(passphrase: passphrase, salt: salt, length: XChaCha20Poly1305.keyLength, cost: cost))
        } catch {
            throw TrustError.keyDerivationFailed
        }
    }

    private static func bigEndian(_ value: UInt64) -> [UInt8] {
        (0..<8).map { UInt8(truncatingIfNeeded: value >> (56 - 8 * $0)) }
    }

    private static func readBigEndian(_ bytes: [UInt8], at offset: Int) -> UInt64 {
        bytes[offset..<offset + 8].reduce(0) { $0 << 8 | UInt64($1) }
    }
}
