import CairnCrypto
import Testing

@Suite("Ed25519 (RFC 8032)")
struct Ed25519Tests {
    @Test("seed gives the published public key and signature", arguments: try Fixtures.ed25519().vectors)
    func knownAnswer(_ vector: Ed25519Fixture.Vector) throws {
        let seed = try hex(vector.secretKey)
        let message = try hex(vector.message)
        let expectedSignature = try hex(vector.signature)

        let key = try Ed25519.PrivateKey(seed: SecureBytes(copying: seed))
        #expect(key.publicKey.bytes == (try hex(vector.publicKey)))
        #expect(key.seed.copyBytes() == seed)
        #expect(key.signature(for: message) == expectedSignature)
    }

    @Test("published signature verifies under the published key", arguments: try Fixtures.ed25519().vectors)
    func verifiesPublishedSignature(_ vector: Ed25519Fixture.Vector) throws {
        let publicKey = try Ed25519.PublicKey(bytes: hex(vector.publicKey))
        #expect(publicKey.isValidSignature(try hex(vector.signature), for: try hex(vector.message)))
    }

    @Test("negative cases are rejected", arguments: try Fixtures.ed25519().negative)
    func rejectsNegative(_ negative: Ed25519Fixture.Negative) throws {
        let publicKey = try Ed25519.PublicKey(bytes: hex(negative.publicKey))
        #expect(!publicKey.isValidSignature(try hex(negative.signature), for: try hex(negative.message)))
    }

    @Test func everySingleBitFlipInASignatureIsRejected() throws {
        let vector = try #require(try Fixtures.ed25519().vectors.first { $0.name == "TEST 3" })
        let publicKey = try Ed25519.PublicKey(bytes: hex(vector.publicKey))
        let message = try hex(vector.message)
        let signature = try hex(vector.signature)
        for index in signature.indices {
            var tampered = signature
            tampered[index] ^= 0x80 >> (index % 8)
            #expect(!publicKey.isValidSignature(tampered, for: message), "byte \(index) flipped")
        }
    }

    @Test func wrongLengthSignaturesAreInvalidNotFatal() throws {
        let key = Ed25519.PrivateKey()
        let message = Array("cairn".utf8)
        let signature = key.signature(for: message)
        #expect(key.publicKey.isValidSignature(signature, for: message))
        #expect(!key.publicKey.isValidSignature([], for: message))
        #expect(!key.publicKey.isValidSignature(Array(signature.dropLast()), for: message))
        #expect(!key.publicKey.isValidSignature(signature + [0], for: message))
    }

    @Test func freshKeysAreDistinctAndSignForThemselvesOnly() {
        let alice = Ed25519.PrivateKey()
        let bob = Ed25519.PrivateKey()
        #expect(alice.publicKey != bob.publicKey)
        #expect(alice.seed != bob.seed)
        let message = Array("grant epoch 7".utf8)
        let signature = alice.signature(for: message)
        #expect(alice.publicKey.isValidSignature(signature, for: message))
        #expect(!bob.publicKey.isValidSignature(signature, for: message))
    }

    @Test func sameSeedGivesSameKeyAndDeterministicSignatures() throws {
        let seed = SecureRandom.bytes(Ed25519.seedLength)
        let first = try Ed25519.PrivateKey(seed: SecureBytes(copying: seed))
        let second = try Ed25519.PrivateKey(seed: SecureBytes(copying: seed))
        #expect(first.publicKey == second.publicKey)
        let message = SecureRandom.bytes(100)
        #expect(first.signature(for: message) == second.signature(for: message))
    }

    @Test func sizesAreThoseOfRFC8032() {
        #expect(Ed25519.publicKeyLength == 32)
        #expect(Ed25519.seedLength == 32)
        #expect(Ed25519.signatureLength == 64)
    }
}
