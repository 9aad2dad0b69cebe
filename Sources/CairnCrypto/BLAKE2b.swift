import CSodium

/// BLAKE2b (RFC 7693) from libsodium: delta ids, digests, and keyed hashes of record ids.
public enum BLAKE2b {
    public static let minOutputLength = Int(crypto_generichash_BYTES_MIN)
    public static let maxOutputLength = Int(crypto_generichash_BYTES_MAX)
    public static let maxKeyLength = Int(crypto_generichash_KEYBYTES_MAX)

    /// The `outputLength`-byte hash of `data`, keyed with `key` when given (a MAC).
    public static func hash(_ data: [UInt8], outputLength: Int = 32, key: [UInt8] = []) -> [UInt8] {
        let hasher = Hasher(outputLength: outputLength, key: key)
        hasher.update(data)
        return hasher.finalize()
    }

    /// The keyed hash of `data` with a secret key read in place: the key is never copied into
    /// ordinary (unwiped) memory.
    public static func hash(_ data: [UInt8], outputLength: Int = 32, key: SecureBytes) -> [UInt8] {
        let hasher = key.withUnsafeBytes { Hasher(outputLength: outputLength, key: $0) }
        hasher.update(data)
        return hasher.finalize()
    }

    /// Incremental hashing, for data that arrives in pieces. (A class: libsodium's state is a
    /// 64-byte-aligned opaque buffer that must not be copied.)
    public final class Hasher {
        private let state: UnsafeMutableRawPointer
        private let outputLength: Int
        private var finalized = false

        /// Starts a hash of `outputLength` bytes (16...64), keyed with `key` (0...64 bytes).
        public convenience init(outputLength: Int = 32, key: [UInt8] = []) {
            self.init(allocating: outputLength)
            key.withUnsafeBytes { start($0) }
        }

        /// Starts a hash keyed with bytes read in place (a `SecureBytes` key's): the key is not
        /// copied.
        public convenience init(outputLength: Int = 32, key: UnsafeRawBufferPointer) {
            self.init(allocating: outputLength)
            start(key)
        }

        private init(allocating outputLength: Int) {
            Sodium.ensure()
            precondition((minOutputLength...maxOutputLength).contains(outputLength), "BLAKE2b output length")
            self.outputLength = outputLength
            state = UnsafeMutableRawPointer.allocate(byteCount: crypto_generichash_statebytes(), alignment: 64)
        }

        private func start(_ key: UnsafeRawBufferPointer) {
            precondition(key.count <= maxKeyLength, "BLAKE2b key length")
            _ = crypto_generichash_init(
                OpaquePointer(state), key.baseAddress?.assumingMemoryBound(to: UInt8.self), key.count, outputLength)
        }

        deinit {
            sodium_memzero(state, crypto_generichash_statebytes())
            state.deallocate()
        }

        /// Adds `data` to the hash.
        public func update(_ data: [UInt8]) {
            data.withUnsafeBufferPointer { d in
                _ = crypto_generichash_update(OpaquePointer(state), d.baseAddress, UInt64(d.count))
            }
        }

        /// Adds the bytes of `data` to the hash.
        public func update(_ data: UnsafeRawBufferPointer) {
            _ = crypto_generichash_update(
                OpaquePointer(state), data.baseAddress?.assumingMemoryBound(to: UInt8.self), UInt64(data.count))
        }

        /// The digest. A hasher finalizes once: libsodium wipes its state on the first call and a
        /// second call would silently return zeros, so it is a programming error that traps.
        public func finalize() -> [UInt8] {
            precondition(!finalized, "BLAKE2b.Hasher.finalize() called twice")
            finalized = true
            var out = [UInt8](repeating: 0, count: outputLength)
            _ = crypto_generichash_final(OpaquePointer(state), &out, outputLength)
            return out
        }
    }
}
