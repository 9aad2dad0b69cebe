import CSodium

/// Ed25519 signatures (RFC 8032) from libsodium: the signing primitive of deltas, grants,
/// charters and certificates.
public enum Ed25519 {
    public static let publicKeyLength = Int(crypto_sign_PUBLICKEYBYTES)
    public static let seedLength = Int(crypto_sign_SEEDBYTES)
    public static let signatureLength = Int(crypto_sign_BYTES)

    /// A verification key. Its bytes are public and may be compared and hashed freely.
    public struct PublicKey: Hashable, Sendable {
        public let bytes: [UInt8]

        /// Wraps 32 raw bytes; throws for any other length.
        public init(bytes: [UInt8]) throws {
            try CryptoError.checkLength(bytes, Ed25519.publicKeyLength, "Ed25519 public key")
            self.bytes = bytes
        }

        /// True when `signature` is a valid signature of `message` by this key. Malformed
        /// signatures (wrong length, non-canonical encodings) are simply invalid.
        public func isValidSignature(_ signature: [UInt8], for message: [UInt8]) -> Bool {
            Sodium.ensure()
            guard signature.count == Ed25519.signatureLength else { return false }
            return signature.withUnsafeBufferPointer { sig in
                message.withUnsafeBufferPointer { msg in
                    bytes.withUnsafeBufferPointer { pk in
                        crypto_sign_verify_detached(
                            sig.baseAddress!, msg.baseAddress, UInt64(msg.count), pk.baseAddress!) == 0
                    }
                }
            }
        }
    }

    /// A signing key. Only the 32-byte seed is kept; libsodium's 64-byte expanded key lives in a
    /// `SecureBytes` too.
    public final class PrivateKey: Sendable {
        /// The RFC 8032 secret seed.
        public let seed: SecureBytes
        private let expanded: SecureBytes
        public let publicKey: PublicKey

        /// A fresh random key.
        public convenience init() {
            try! self.init(seed: SecureRandom.secret(Ed25519.seedLength))
        }

        /// The key of a 32-byte seed (RFC 8032 "secret key").
        public init(seed: SecureBytes) throws {
            Sodium.ensure()
            try CryptoError.checkLength(0..<seed.count, Ed25519.seedLength, "Ed25519 seed")
            var pk = [UInt8](repeating: 0, count: Ed25519.publicKeyLength)
            let sk = SecureBytes(count: Int(crypto_sign_SECRETKEYBYTES)) { skp in
                seed.withUnsafeBytes { s in
                    _ = crypto_sign_seed_keypair(
                        &pk, skp.baseAddress!.assumingMemoryBound(to: UInt8.self),
                        s.baseAddress!.assumingMemoryBound(to: UInt8.self))
                }
            }
            self.seed = seed
            self.expanded = sk
            self.publicKey = try PublicKey(bytes: pk)
        }

        /// The 64-byte detached signature of `message`.
        public func signature(for message: [UInt8]) -> [UInt8] {
            var sig = [UInt8](repeating: 0, count: Ed25519.signatureLength)
            expanded.withUnsafeBytes { sk in
                message.withUnsafeBufferPointer { msg in
                    _ = crypto_sign_detached(
                        &sig, nil, msg.baseAddress, UInt64(msg.count),
                        sk.baseAddress!.assumingMemoryBound(to: UInt8.self))
                }
            }
            return sig
        }
    }
}
