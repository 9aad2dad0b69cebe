import CSodium

/// libsodium's `crypto_secretstream_xchacha20poly1305`: a long message cut into chunks, each
/// sealed under one key with an internal, ratcheting nonce. It is what carries the payload of
/// an air-gap bundle.
///
/// Unlike independent AEAD messages, a stream cannot be reordered, have chunks dropped or
/// duplicated, or be cut short unnoticed: each chunk's tag depends on every chunk before it,
/// and the writer marks the last chunk `final`, so a reader that reaches the end of its input
/// without having seen that mark knows the stream was truncated.
public enum SecretStream {
    /// Length of the stream key.
    public static let keyLength = Int(crypto_secretstream_xchacha20poly1305_KEYBYTES)
    /// Length of the stream header the writer makes and the reader needs (not secret).
    public static let headerLength = Int(crypto_secretstream_xchacha20poly1305_HEADERBYTES)
    /// Bytes each chunk's ciphertext adds to its plaintext (tag byte and MAC).
    public static let overhead = Int(crypto_secretstream_xchacha20poly1305_ABYTES)

    /// Seals a stream chunk by chunk. One writer per stream; not thread-safe.
    public final class Writer {
        private var state = crypto_secretstream_xchacha20poly1305_state()
        /// The stream header, to store or send ahead of the first chunk.
        public let header: [UInt8]
        private var finished = false

        /// Starts a stream under `key` (32 bytes).
        public init(key: SecureBytes) throws {
            Sodium.ensure()
            try CryptoError.checkLength(0..<key.count, SecretStream.keyLength, "secret stream key")
            var header = [UInt8](repeating: 0, count: SecretStream.headerLength)
            var fresh = crypto_secretstream_xchacha20poly1305_state()
            key.withUnsafeBytes { k in
                _ = crypto_secretstream_xchacha20poly1305_init_push(
                    &fresh, &header, k.baseAddress!.assumingMemoryBound(to: UInt8.self))
            }
            self.header = header
            self.state = fresh
            withUnsafeMutableBytes(of: &fresh) { sodium_memzero($0.baseAddress!, $0.count) }
        }

        deinit {
            withUnsafeMutableBytes(of: &state) { sodium_memzero($0.baseAddress!, $0.count) }
        }

        /// Seals the next chunk, binding `associatedData`; `final` marks the last one. Returns
        /// `plaintext.count + overhead` bytes. Nothing may follow a final chunk.
        public func push(_ plaintext: [UInt8], associatedData: [UInt8] = [], final: Bool) throws -> [UInt8] {
            guard !finished else { throw CryptoError.authenticationFailed }
            var out = [UInt8](repeating: 0, count: plaintext.count + SecretStream.overhead)
            let tag = UInt8(final ? crypto_secretstream_xchacha20poly1305_TAG_FINAL : crypto_secretstream_xchacha20poly1305_TAG_MESSAGE)
            let status = crypto_secretstream_xchacha20poly1305_push(
                &state, &out, nil, plaintext, UInt64(plaintext.count), associatedData, UInt64(associatedData.count), tag)
            guard status == 0 else { throw CryptoError.authenticationFailed }
            finished = final
            return out
        }
    }

    /// Opens a stream chunk by chunk, in order. Not thread-safe.
    public final class Reader {
        private var state = crypto_secretstream_xchacha20poly1305_state()
        /// Whether the final chunk has been read: a reader that ends without it saw a truncated stream.
        public private(set) var finished = false

        /// Starts reading the stream that `header` (24 bytes) opened under `key`.
        public init(key: SecureBytes, header: [UInt8]) throws {
            Sodium.ensure()
            try CryptoError.checkLength(0..<key.count, SecretStream.keyLength, "secret stream key")
            try CryptoError.checkLength(header, SecretStream.headerLength, "secret stream header")
            var fresh = crypto_secretstream_xchacha20poly1305_state()
            let status = key.withUnsafeBytes { k in
                crypto_secretstream_xchacha20poly1305_init_pull(&fresh, header, k.baseAddress!.assumingMemoryBound(to: UInt8.self))
            }
            state = fresh
            withUnsafeMutableBytes(of: &fresh) { sodium_memzero($0.baseAddress!, $0.count) }
            guard status == 0 else { throw CryptoError.authenticationFailed }
        }

        deinit {
            withUnsafeMutableBytes(of: &state) { sodium_memzero($0.baseAddress!, $0.count) }
        }

        /// Opens the next chunk; throws `authenticationFailed` if it was altered, reordered, sealed
        /// under another key or with other associated data, or follows the final chunk.
        public func pull(_ ciphertext: [UInt8], associatedData: [UInt8] = []) throws -> (plaintext: [UInt8], final: Bool) {
            guard !finished, ciphertext.count >= SecretStream.overhead else { throw CryptoError.authenticationFailed }
            var out = [UInt8](repeating: 0, count: ciphertext.count - SecretStream.overhead)
            var tag: UInt8 = 0
            let status = crypto_secretstream_xchacha20poly1305_pull(
                &state, &out, nil, &tag, ciphertext, UInt64(ciphertext.count), associatedData, UInt64(associatedData.count))
            guard status == 0 else { throw CryptoError.authenticationFailed }
            // Only MESSAGE and FINAL are ever written; PUSH and REKEY mean a foreign writer.
            switch tag {
            case UInt8(crypto_secretstream_xchacha20poly1305_TAG_FINAL): finished = true
            case UInt8(crypto_secretstream_xchacha20poly1305_TAG_MESSAGE): break
            default: throw CryptoError.authenticationFailed
            }
            return (out, finished)
        }
    }
}
