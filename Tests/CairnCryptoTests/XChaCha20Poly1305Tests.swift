import CairnCrypto
import Testing

@Suite("XChaCha20-Poly1305")
struct XChaCha20Poly1305Tests {
    /// The draft A.3.1 inputs, decoded once per test.
    struct Draft {
        let key: XChaCha20Poly1305.Key
        let nonce, aad, plaintext, sealed: [UInt8]

        init() throws {
            let fixture = try Fixtures.xchacha()
            key = try XChaCha20Poly1305.Key(SecureBytes(copying: hex(fixture.key)))
            nonce = try hex(fixture.nonce)
            aad = try hex(fixture.aad)
            plaintext = try hex(fixture.plaintext)
            sealed = try hex(fixture.ciphertext) + hex(fixture.tag)
        }
    }

    @Test func explicitNonceSealGivesPublishedCiphertextAndTag() throws {
        let draft = try Draft()
        let sealed = try XChaCha20Poly1305.seal(
            draft.plaintext, associatedData: draft.aad, key: draft.key, nonce: draft.nonce)
        #expect(sealed == draft.sealed)
    }

    @Test func explicitNonceOpenReturnsPublishedPlaintext() throws {
        let draft = try Draft()
        let opened = try XChaCha20Poly1305.open(
            draft.sealed, associatedData: draft.aad, key: draft.key, nonce: draft.nonce)
        #expect(opened == draft.plaintext)
    }

    @Test func anyFlippedCiphertextOrTagByteFailsAuthentication() throws {
        let draft = try Draft()
        for index in draft.sealed.indices {
            var tampered = draft.sealed
            tampered[index] ^= 0x01
            #expect(throws: CryptoError.authenticationFailed, "byte \(index)") {
                try XChaCha20Poly1305.open(tampered, associatedData: draft.aad, key: draft.key, nonce: draft.nonce)
            }
        }
    }

    @Test func anyFlippedAssociatedDataByteFailsAuthentication() throws {
        let draft = try Draft()
        for index in draft.aad.indices {
            var aad = draft.aad
            aad[index] ^= 0x40
            #expect(throws: CryptoError.authenticationFailed, "AAD byte \(index)") {
                try XChaCha20Poly1305.open(draft.sealed, associatedData: aad, key: draft.key, nonce: draft.nonce)
            }
        }
        #expect(throws: CryptoError.authenticationFailed, "AAD dropped") {
            try XChaCha20Poly1305.open(draft.sealed, associatedData: [], key: draft.key, nonce: draft.nonce)
        }
    }

    @Test func anyFlippedNonceByteFailsAuthentication() throws {
        let draft = try Draft()
        for index in draft.nonce.indices {
            var nonce = draft.nonce
            nonce[index] ^= 0x02
            #expect(throws: CryptoError.authenticationFailed, "nonce byte \(index)") {
                try XChaCha20Poly1305.open(draft.sealed, associatedData: draft.aad, key: draft.key, nonce: nonce)
            }
        }
    }

    @Test func wrongKeyOrTruncationFailsAuthentication() throws {
        let draft = try Draft()
        #expect(throws: CryptoError.authenticationFailed) {
            try XChaCha20Poly1305.open(
                draft.sealed, associatedData: draft.aad, key: XChaCha20Poly1305.Key(), nonce: draft.nonce)
        }
        #expect(throws: CryptoError.authenticationFailed) {
            try XChaCha20Poly1305.open(
                Array(draft.sealed.dropLast()), associatedData: draft.aad, key: draft.key, nonce: draft.nonce)
        }
        #expect(throws: CryptoError.authenticationFailed, "shorter than a tag") {
            try XChaCha20Poly1305.open(
                Array(draft.sealed.prefix(15)), associatedData: draft.aad, key: draft.key, nonce: draft.nonce)
        }
    }

    @Test(arguments: [0, 1, 63, 64, 65, 1000])
    func randomNonceSealOpensToThePlaintext(length: Int) throws {
        let key = XChaCha20Poly1305.Key()
        let plaintext = SecureRandom.bytes(length)
        let aad = Array("stream 42 / record 7".utf8)
        let sealed = XChaCha20Poly1305.seal(plaintext, associatedData: aad, key: key)
        #expect(sealed.count == length + XChaCha20Poly1305.overhead)
        #expect(try XChaCha20Poly1305.open(sealed, associatedData: aad, key: key) == plaintext)
        // The layout is nonce || ciphertext || tag, so the explicit-nonce opener agrees.
        let nonce = Array(sealed.prefix(XChaCha20Poly1305.nonceLength))
        let body = Array(sealed.dropFirst(XChaCha20Poly1305.nonceLength))
        #expect(try XChaCha20Poly1305.open(body, associatedData: aad, key: key, nonce: nonce) == plaintext)
        #expect(throws: CryptoError.authenticationFailed) {
            try XChaCha20Poly1305.open(sealed, associatedData: [], key: key)
        }
    }

    @Test func randomNoncesDiffer() {
        let key = XChaCha20Poly1305.Key()
        let plaintext = Array("same plaintext".utf8)
        let first = XChaCha20Poly1305.seal(plaintext, key: key)
        let second = XChaCha20Poly1305.seal(plaintext, key: key)
        #expect(first.prefix(XChaCha20Poly1305.nonceLength) != second.prefix(XChaCha20Poly1305.nonceLength))
        #expect(first != second)
    }

    @Test func randomNonceOpenRejectsTamperingAndShortInput() throws {
        let key = XChaCha20Poly1305.Key()
        let sealed = XChaCha20Poly1305.seal(Array("hello".utf8), key: key)
        for index in sealed.indices {
            var tampered = sealed
            tampered[index] ^= 0x10
            #expect(throws: CryptoError.authenticationFailed, "byte \(index)") {
                try XChaCha20Poly1305.open(tampered, key: key)
            }
        }
        for length in [0, 1, XChaCha20Poly1305.overhead - 1] {
            #expect(throws: CryptoError.authenticationFailed, "\(length) bytes") {
                try XChaCha20Poly1305.open(Array(sealed.prefix(length)), key: key)
            }
        }
    }

    @Test func keysCompareByContent() throws {
        let bytes = SecureRandom.bytes(XChaCha20Poly1305.keyLength)
        let first = try XChaCha20Poly1305.Key(SecureBytes(copying: bytes))
        let second = try XChaCha20Poly1305.Key(SecureBytes(copying: bytes))
        #expect(first == second)
        #expect(first != XChaCha20Poly1305.Key())
    }

    @Test func sizesAreThoseOfTheDraft() {
        #expect(XChaCha20Poly1305.keyLength == 32)
        #expect(XChaCha20Poly1305.nonceLength == 24)
        #expect(XChaCha20Poly1305.tagLength == 16)
        #expect(XChaCha20Poly1305.overhead == 40)
    }
}
