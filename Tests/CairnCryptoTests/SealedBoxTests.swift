import CairnCrypto
import Testing

@Suite("X25519 keys and sealed boxes")
struct SealedBoxTests {
    @Test("public key derivation matches RFC 7748", arguments: try Fixtures.x25519().vectors)
    func publicKeyKnownAnswer(_ vector: X25519Fixture.Vector) throws {
        let key = try X25519.PrivateKey(rawRepresentation: SecureBytes(copying: hex(vector.privateKey)))
        #expect(key.publicKey.bytes == (try hex(vector.publicKey)))
    }

    @Test func publicKeyIsDeterministicFromTheRawKey() throws {
        let raw = SecureRandom.bytes(X25519.keyLength)
        let first = try X25519.PrivateKey(rawRepresentation: SecureBytes(copying: raw))
        let second = try X25519.PrivateKey(rawRepresentation: SecureBytes(copying: raw))
        #expect(first.publicKey == second.publicKey)
        #expect(first.rawRepresentation.copyBytes() == raw)
        #expect(X25519.PrivateKey().publicKey != first.publicKey)
    }

    @Test(arguments: [0, 1, 32, 1000])
    func sealThenOpenRoundTrips(length: Int) throws {
        let recipient = X25519.PrivateKey()
        let secret = SecureRandom.secret(length)
        let box = SealedBox.seal(secret, to: recipient.publicKey)
        #expect(box.count == length + SealedBox.overhead)
        let opened = try SealedBox.open(box, with: recipient)
        #expect(opened == secret)
    }

    @Test func sealingIsRandomized() {
        let recipient = X25519.PrivateKey()
        let secret = SecureRandom.secret(32)
        #expect(SealedBox.seal(secret, to: recipient.publicKey) != SealedBox.seal(secret, to: recipient.publicKey))
    }

    @Test func wrongKeyCannotOpen() {
        let recipient = X25519.PrivateKey()
        let box = SealedBox.seal(SecureRandom.secret(32), to: recipient.publicKey)
        #expect(throws: CryptoError.authenticationFailed) { try SealedBox.open(box, with: X25519.PrivateKey()) }
    }

    @Test func anyTamperedByteFailsAuthentication() {
        let recipient = X25519.PrivateKey()
        let box = SealedBox.seal(SecureRandom.secret(32), to: recipient.publicKey)
        for index in box.indices {
            var tampered = box
            tampered[index] ^= 0x04
            #expect(throws: CryptoError.authenticationFailed, "byte \(index)") {
                try SealedBox.open(tampered, with: recipient)
            }
        }
    }

    @Test func shortOrTruncatedInputFailsAuthentication() {
        let recipient = X25519.PrivateKey()
        let box = SealedBox.seal(SecureRandom.secret(32), to: recipient.publicKey)
        for length in [0, 1, SealedBox.overhead - 1, SealedBox.overhead, box.count - 1] {
            #expect(throws: CryptoError.authenticationFailed, "\(length) bytes") {
                try SealedBox.open(Array(box.prefix(length)), with: recipient)
            }
        }
    }

    @Test func sizesAreThoseOfLibsodium() {
        #expect(X25519.keyLength == 32)
        #expect(SealedBox.overhead == 48)  // ephemeral public key + Poly1305 tag
    }
}
