import CairnCrypto
import Testing

@Suite("Argon2id")
struct Argon2idTests {
    static let salt: [UInt8] = Array(0..<16)
    static let otherSalt: [UInt8] = Array(1...16)

    @Test func sameInputsGiveSameKeyAndChangedInputsDoNot() throws {
        let passphrase = SecureBytes(copying: Array("correct horse battery staple".utf8))
        let base = try Argon2id.deriveKey(passphrase: passphrase, salt: Self.salt, cost: .interactive)
        let again = try Argon2id.deriveKey(
            passphrase: SecureBytes(copying: Array("correct horse battery staple".utf8)), salt: Self.salt,
            cost: .interactive)
        let otherSalt = try Argon2id.deriveKey(passphrase: passphrase, salt: Self.otherSalt, cost: .interactive)
        let otherPassphrase = try Argon2id.deriveKey(
            passphrase: SecureBytes(copying: Array("correct horse battery stapler".utf8)), salt: Self.salt,
            cost: .interactive)

        #expect(base.count == 32)
        #expect(base == again)
        #expect(base != otherSalt)
        #expect(base != otherPassphrase)
        #expect(base.copyBytes() != [UInt8](repeating: 0, count: 32))
    }

    @Test func requestedLengthIsHonoured() throws {
        let key = try Argon2id.deriveKey(
            passphrase: SecureBytes(copying: Array("pw".utf8)), salt: Self.salt, length: 64, cost: .interactive)
        #expect(key.count == 64)
        // An empty passphrase is weak but legal; it must not trip over an empty buffer.
        let empty = try Argon2id.deriveKey(passphrase: SecureBytes(count: 0), salt: Self.salt, cost: .interactive)
        #expect(empty.count == 32)
        #expect(empty != key)
    }

    @Test func impossibleParametersAreReportedNotTrapped() {
        let passphrase = SecureBytes(copying: Array("pw".utf8))
        // libsodium requires at least one pass and a 16-byte output.
        #expect(throws: CryptoError.keyDerivationFailed) {
            try Argon2id.deriveKey(
                passphrase: passphrase, salt: Self.salt, cost: .init(operations: 0, memoryBytes: 8192))
        }
        #expect(throws: CryptoError.keyDerivationFailed) {
            try Argon2id.deriveKey(passphrase: passphrase, salt: Self.salt, length: 8, cost: .interactive)
        }
    }

    @Test func interactiveIsCheaperThanModerate() {
        #expect(Argon2id.saltLength == 16)
        #expect(Argon2id.Cost.interactive.memoryBytes < Argon2id.Cost.moderate.memoryBytes)
        #expect(Argon2id.Cost.interactive.operations <= Argon2id.Cost.moderate.operations)
    }
}
