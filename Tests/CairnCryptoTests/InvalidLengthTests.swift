import CairnCrypto
import Testing

/// Every constructor or operation that takes a fixed-size key, seed, nonce or salt must refuse
/// other sizes with `invalidLength` carrying the size it wanted and the size it got.
@Suite("Wrong-length inputs")
struct InvalidLengthTests {
    static let keySizes = [0, 1, 31, 33, 64]

    @Test(arguments: keySizes)
    func ed25519PublicKey(length: Int) {
        expectInvalidLength(expected: 32, actual: length, naming: "Ed25519 public key") {
            try Ed25519.PublicKey(bytes: [UInt8](repeating: 1, count: length))
        }
    }

    @Test(arguments: keySizes)
    func ed25519Seed(length: Int) {
        expectInvalidLength(expected: 32, actual: length, naming: "Ed25519 seed") {
            try Ed25519.PrivateKey(seed: SecureBytes(count: length))
        }
    }

    @Test(arguments: keySizes)
    func x25519PublicKey(length: Int) {
        expectInvalidLength(expected: 32, actual: length, naming: "X25519 public key") {
            try X25519.PublicKey(bytes: [UInt8](repeating: 9, count: length))
        }
    }

    @Test(arguments: keySizes)
    func x25519SecretKey(length: Int) {
        expectInvalidLength(expected: 32, actual: length, naming: "X25519 secret key") {
            try X25519.PrivateKey(rawRepresentation: SecureBytes(count: length))
        }
    }

    @Test(arguments: keySizes)
    func xchachaKey(length: Int) {
        expectInvalidLength(expected: 32, actual: length, naming: "XChaCha20-Poly1305 key") {
            try XChaCha20Poly1305.Key(SecureBytes(count: length))
        }
    }

    @Test(arguments: [0, 8, 12, 23, 25, 32])
    func xchachaNonce(length: Int) {
        let key = XChaCha20Poly1305.Key()
        let nonce = [UInt8](repeating: 0, count: length)
        expectInvalidLength(expected: 24, actual: length, naming: "XChaCha20-Poly1305 nonce") {
            try XChaCha20Poly1305.seal([1, 2, 3], associatedData: [], key: key, nonce: nonce)
        }
        expectInvalidLength(expected: 24, actual: length, naming: "XChaCha20-Poly1305 nonce") {
            try XChaCha20Poly1305.open([UInt8](repeating: 0, count: 32), associatedData: [], key: key, nonce: nonce)
        }
    }

    @Test(arguments: [0, 8, 15, 17, 32])
    func argon2idSalt(length: Int) {
        expectInvalidLength(expected: 16, actual: length, naming: "Argon2id salt") {
            try Argon2id.deriveKey(
                passphrase: SecureBytes(copying: Array("pw".utf8)), salt: [UInt8](repeating: 0, count: length),
                cost: .interactive)
        }
    }

    @Test func errorDescriptionSaysWhatAndHowMany() {
        let error = CryptoError.invalidLength(what: "Ed25519 seed", expected: 32, actual: 31)
        #expect(error.description == "Ed25519 seed must be 32 bytes, got 31")
    }
}

/// Runs `body`, which must throw `CryptoError.invalidLength` for `what` with these sizes.
func expectInvalidLength<R>(
    expected: Int, actual: Int, naming what: String,
    sourceLocation: SourceLocation = #_sourceLocation,
    _ body: () throws -> R
) {
    let error = #expect(throws: CryptoError.self, sourceLocation: sourceLocation) { _ = try body() }
    guard let error else { return }
    guard case .invalidLength(let gotWhat, let gotExpected, let gotActual) = error else {
        Issue.record("expected invalidLength, got \(error)", sourceLocation: sourceLocation)
        return
    }
    #expect(gotExpected == expected, sourceLocation: sourceLocation)
    #expect(gotActual == actual, sourceLocation: sourceLocation)
    #expect(gotWhat == what, sourceLocation: sourceLocation)
}
