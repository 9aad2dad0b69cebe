import CSodium

/// Argon2id (RFC 9106) password hashing, used to turn an operator's passphrase into the key that
/// seals device and agency secret-key files.
public enum Argon2id {
    public static let saltLength = Int(crypto_pwhash_SALTBYTES)

    /// Cost parameters. `interactive` suits tests; `moderate` is the default for key files.
    public struct Cost: Sendable, Equatable {
        public var operations: UInt64
        public var memoryBytes: Int

        public init(operations: UInt64, memoryBytes: Int) {
            self.operations = operations
            self.memoryBytes = memoryBytes
        }

        public static let interactive = Cost(
            operations: UInt64(crypto_pwhash_OPSLIMIT_INTERACTIVE), memoryBytes: Int(crypto_pwhash_MEMLIMIT_INTERACTIVE))
        public static let moderate = Cost(
            operations: UInt64(crypto_pwhash_OPSLIMIT_MODERATE), memoryBytes: Int(crypto_pwhash_MEMLIMIT_MODERATE))
    }

    /// Derives `length` secret bytes from `passphrase` and a 16-byte `salt`.
    public static func deriveKey(
        passphrase: SecureBytes, salt: [UInt8], length: Int = 32, cost: Cost = .moderate
    ) throws -> SecureBytes {
        Sodium.ensure()
        try CryptoError.checkLength(salt, saltLength, "Argon2id salt")
        var status: Int32 = -1
        let key = SecureBytes(count: length) { out in
            passphrase.withUnsafeBytes { pw in
                status = crypto_pwhash(
                    out.baseAddress!.assumingMemoryBound(to: UInt8.self), UInt64(length),
                    pw.baseAddress!.assumingMemoryBound(to: CChar.self), UInt64(pw.count),
                    salt, cost.operations, cost.memoryBytes, crypto_pwhash_ALG_ARGON2ID13)
            }
        }
        guard status == 0 else { throw CryptoError.keyDerivationFailed }
        return key
    }
}
