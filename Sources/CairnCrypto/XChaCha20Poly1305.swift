import CSodium

/// XChaCha20-Poly1305 (IETF construction): the AEAD that seals delta bodies and records at rest.
/// The 24-byte nonce is random per message, which is safe at any volume with this cipher.
public enum XChaCha20Poly1305 {
    public static let keyLength = Int(crypto_aead_xchacha20poly1305_ietf_KEYBYTES)
    public static let nonceLength = Int(crypto_aead_xchacha20poly1305_ietf_NPUBBYTES)
    public static let tagLength = Int(crypto_aead_xchacha20poly1305_ietf_ABYTES)
    /// Bytes `seal` adds to a plaintext: the nonce in front and the tag behind.
    public static let overhead = nonceLength + tagLength

    /// A 256-bit symmetric key.
    public struct Key: Sendable, Equatable {
        public let secret: SecureBytes

        /// A fresh random key.
        public init() {
            secret = SecureRandom.secret(XChaCha20Poly1305.keyLength)
        }

        /// Wraps 32 secret bytes.
        public init(_ secret: SecureBytes) throws {
            try CryptoError.checkLength(0..<secret.count, XChaCha20Poly1305.keyLength, "XChaCha20-Poly1305 key")
            self.secret = secret
        }
    }

    /// Encrypts and authenticates `plaintext`, binding `associatedData`; returns
    /// `nonce || ciphertext || tag` with a fresh random nonce.
    public static func seal(_ plaintext: [UInt8], associatedData: [UInt8] = [], key: Key) -> [UInt8] {
        let nonce = SecureRandom.bytes(nonceLength)
        return nonce + (try! seal(plaintext, associatedData: associatedData, key: key, nonce: nonce))
    }

    /// Encrypts with an explicit nonce and returns `ciphertext || tag` (no nonce). Only for
    /// known-answer tests and formats that carry the nonce elsewhere: never reuse a nonce.
    public static func seal(
        _ plaintext: [UInt8], associatedData: [UInt8], key: Key, nonce: [UInt8]
    ) throws -> [UInt8] {
        Sodium.ensure()
        try CryptoError.checkLength(nonce, nonceLength, "XChaCha20-Poly1305 nonce")
        var out = [UInt8](repeating: 0, count: plaintext.count + tagLength)
        var outLength: UInt64 = 0
        key.secret.withUnsafeBytes { k in
            _ = crypto_aead_xchacha20poly1305_ietf_encrypt(
                &out, &outLength, plaintext, UInt64(plaintext.count),
                associatedData, UInt64(associatedData.count), nil, nonce,
                k.baseAddress!.assumingMemoryBound(to: UInt8.self))
        }
        return out
    }

    /// Opens `nonce || ciphertext || tag` produced by `seal`; throws `authenticationFailed` if the
    /// key, the associated data or any byte is wrong.
    public static func open(_ sealed: [UInt8], associatedData: [UInt8] = [], key: Key) throws -> [UInt8] {
        guard sealed.count >= overhead else { throw CryptoError.authenticationFailed }
        return try open(
            Array(sealed[nonceLength...]), associatedData: associatedData, key: key,
            nonce: Array(sealed[..<nonceLength]))
    }

    /// Opens `ciphertext || tag` under an explicit nonce.
    public static func open(
        _ ciphertext: [UInt8], associatedData: [UInt8], key: Key, nonce: [UInt8]
    ) throws -> [UInt8] {
        Sodium.ensure()
        try CryptoError.checkLength(nonce, nonceLength, "XChaCha20-Poly1305 nonce")
        guard ciphertext.count >= tagLength else { throw CryptoError.authenticationFailed }
        var out = [UInt8](repeating: 0, count: ciphertext.count - tagLength)
        var outLength: UInt64 = 0
        let status = key.secret.withUnsafeBytes { k in
            crypto_aead_xchacha20poly1305_ietf_decrypt(
                &out, &outLength, nil, ciphertext, UInt64(ciphertext.count),
                associatedData, UInt64(associatedData.count), nonce,
                k.baseAddress!.assumingMemoryBound(to: UInt8.self))
        }
        guard status == 0 else { throw CryptoError.authenticationFailed }
        return out
    }
}
