import CairnCrypto
import Testing

@Suite("BLAKE2b (RFC 7693)")
struct BLAKE2bTests {
    @Test("one-shot hash matches the vector", arguments: try Fixtures.blake2b().vectors)
    func oneShot(_ vector: BLAKE2bFixture.Vector) throws {
        let digest = BLAKE2b.hash(try hex(vector.input), outputLength: vector.outputLength, key: try hex(vector.key))
        #expect(digest == (try hex(vector.hash)))
    }

    @Test("a key read in place from SecureBytes gives the vector", arguments: try Fixtures.blake2b().vectors)
    func secureKey(_ vector: BLAKE2bFixture.Vector) throws {
        let key = SecureBytes(copying: try hex(vector.key))
        let digest = BLAKE2b.hash(try hex(vector.input), outputLength: vector.outputLength, key: key)
        #expect(digest == (try hex(vector.hash)))
    }

    @Test("incremental hash over pieces matches the vector", arguments: try Fixtures.blake2b().vectors)
    func incremental(_ vector: BLAKE2bFixture.Vector) throws {
        let input = try hex(vector.input)
        let key = try hex(vector.key)
        let expected = try hex(vector.hash)
        // Piece sizes straddle BLAKE2b's 128-byte block so buffering across blocks is exercised.
        for pieceSize in [1, 3, 64, 127, 128, 129, 1000] {
            let hasher = BLAKE2b.Hasher(outputLength: vector.outputLength, key: key)
            var offset = 0
            while offset < input.count {
                let end = min(offset + pieceSize, input.count)
                hasher.update(Array(input[offset..<end]))
                hasher.update([])  // empty updates must not disturb the state
                offset = end
            }
            #expect(hasher.finalize() == expected, "pieces of \(pieceSize)")
        }
    }

    @Test("incremental hash through raw buffers matches the vector", arguments: try Fixtures.blake2b().vectors)
    func incrementalRawBuffers(_ vector: BLAKE2bFixture.Vector) throws {
        let input = try hex(vector.input)
        let hasher = BLAKE2b.Hasher(outputLength: vector.outputLength, key: try hex(vector.key))
        let split = input.count / 3
        input[..<split].withUnsafeBytes { hasher.update($0) }
        input[split...].withUnsafeBytes { hasher.update($0) }
        #expect(hasher.finalize() == (try hex(vector.hash)))
    }

    @Test func outputLengthAndKeyChangeTheDigest() {
        let data = Array("record 1".utf8)
        #expect(BLAKE2b.hash(data).count == 32)
        #expect(BLAKE2b.hash(data, outputLength: 16).count == 16)
        #expect(BLAKE2b.hash(data, outputLength: 64).count == 64)
        // Output length is a parameter of BLAKE2b, not a truncation.
        #expect(Array(BLAKE2b.hash(data, outputLength: 64).prefix(32)) != BLAKE2b.hash(data, outputLength: 32))
        #expect(BLAKE2b.hash(data, key: [1]) != BLAKE2b.hash(data))
        #expect(BLAKE2b.hash(data, key: [1]) != BLAKE2b.hash(data, key: [2]))
    }

    @Test func limitsAreThoseOfRFC7693() {
        #expect(BLAKE2b.minOutputLength == 16)
        #expect(BLAKE2b.maxOutputLength == 64)
        #expect(BLAKE2b.maxKeyLength == 64)
    }
}
