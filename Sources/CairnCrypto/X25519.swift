import CSodium

/// X25519 key-wrapping keys and libsodium sealed boxes: how an epoch key is handed to one
/// device without an interactive exchange (anonymous sender, authenticated by the grant's
/// signature instead).
public enum X25519 {
    public static let keyLength = Int(crypto_box_PUBLICKEYBYTES)

    /// A wrapping public key.
    public struct PublicKey: Hashable, Sendable {
        public let bytes: [UInt8]

        public init(bytes: [UInt8]) throws {
            try CryptoError.checkLength(bytes, X25519.keyLength, "X25519 public key")
            self.bytes = bytes
        }
    }

    /// A wrapping secret key.
    public final class PrivateKey: Sendable {
        public let rawRepresentation: SecureBytes
        public let publicKey: PublicKey

        /// A fresh random key pair.
        public convenience init() {
            try! self.init(rawRepresentation: SecureRandom.secret(X25519.keyLength))
        }

        /// The key pair of a 32-byte secret scalar.
        public init(rawRepresentation: SecureBytes) throws {
            Sodium.ensure()
            try CryptoError.checkLength(0..<rawRepresentation.count, X25519.keyLength, "X25519 secret key")
            var pk = [UInt8](repeating: 0, count: X25519.keyLength)
            rawRepresentation.withUnsafeBytes { sk in
                _ = crypto_scalarmult_base(&pk, sk.baseAddress!.assumingMemoryBound(to: UInt8.self))
            }
            self.rawRepresentation = rawRepresentation
            self.publicKey = try PublicKey(bytes: pk)
        }
    }
}

/// libsodium sealed boxes (`crypto_box_seal`): X25519 + XSalsa20-Poly1305 to a public key.
public enum SealedBox {
    /// Bytes a sealed box adds to its plaintext.
    public static let overhead = crypto_box_sealbytes()

    /// Seals `plaintext` so that only the holder of `recipient`'s secret key can open it.
    public static func seal(_ plaintext: SecureBytes, to recipient: X25519.PublicKey) -> [UInt8] {
        Sodium.ensure()
        var out = [UInt8](repeating: 0, count: plaintext.count + overhead)
        plaintext.withUnsafeBytes { m in
            _ = crypto_box_seal(
                &out, m.baseAddress!.assumingMemoryBound(to: UInt8.self), UInt64(m.count), recipient.bytes)
        }
        return out
    }

    /// Opens a sealed box; throws `authenticationFailed` if it was not sealed to this key or
    /// was altered.
    public static func open(_ sealed: [UInt8], with key: X25519.PrivateKey) throws -> SecureBytes {
        Sodium.ensure()
        guard sealed.count >= overhead else { throw CryptoError.authenticationFailed }
        var status: Int32 = -1
        let plain = SecureBytes(count: sealed.count - overhead) { out in
            key.rawRepresentation.withUnsafeBytes { sk in
                status = crypto_box_seal_open(
                    out.baseAddress!.assumingMemoryBound(to: UInt8.self), sealed, UInt64(sealed.count),
                    key.publicKey.bytes, sk.baseAddress!.assumingMemoryBound(to: UInt8.self))
            }
        }
        guard status == 0 else { throw CryptoError.authenticationFailed }
        return plain
    }
}
