import CairnCrypto
import Testing

/// The chunked stream that carries a bundle's payload: it round-trips, and every way of
/// altering a stream (a flipped bit, other associated data, another key, reordered, dropped or
/// duplicated chunks, a cut before the final chunk) is detected.
@Suite("Secret stream (bundle payloads)")
struct BundleSecretStreamTests {
    static func seal(_ chunks: [[UInt8]], key: SecureBytes, ad: [UInt8] = [1, 2, 3]) throws -> (header: [UInt8], sealed: [[UInt8]]) {
        let writer = try SecretStream.Writer(key: key)
        var sealed: [[UInt8]] = []
        for (index, chunk) in chunks.enumerated() {
            sealed.append(try writer.push(chunk, associatedData: ad, final: index == chunks.count - 1))
        }
        return (writer.header, sealed)
    }

    static let chunks: [[UInt8]] = [Array("first".utf8), [], SecureRandom.bytes(70_000), Array("last".utf8)]

    @Test func roundTripsAndMarksTheFinalChunk() throws {
        let key = SecureRandom.secret(SecretStream.keyLength)
        let (header, sealed) = try Self.seal(Self.chunks, key: key)
        #expect(header.count == SecretStream.headerLength)
        #expect(zip(sealed, Self.chunks).allSatisfy { $0.count == $1.count + SecretStream.overhead })
        let reader = try SecretStream.Reader(key: key, header: header)
        var opened: [[UInt8]] = []
        var finals: [Bool] = []
        for chunk in sealed {
            let (plain, final) = try reader.pull(chunk, associatedData: [1, 2, 3])
            opened.append(plain)
            finals.append(final)
        }
        #expect(opened == Self.chunks)
        #expect(finals == [false, false, false, true])
        #expect(reader.finished)
        // Nothing may follow the final chunk.
        #expect(throws: CryptoError.authenticationFailed) { try reader.pull(sealed[0], associatedData: [1, 2, 3]) }
    }

    @Test func aTruncatedStreamNeverReachesTheFinalChunk() throws {
        let key = SecureRandom.secret(SecretStream.keyLength)
        let (header, sealed) = try Self.seal(Self.chunks, key: key)
        let reader = try SecretStream.Reader(key: key, header: header)
        for chunk in sealed.dropLast() { _ = try reader.pull(chunk, associatedData: [1, 2, 3]) }
        #expect(!reader.finished)
    }

    @Test func everyAlterationIsRefused() throws {
        let key = SecureRandom.secret(SecretStream.keyLength)
        let (header, sealed) = try Self.seal(Self.chunks, key: key)
        func opens(_ chunks: [[UInt8]], key: SecureBytes = key, header: [UInt8] = header, ad: [UInt8] = [1, 2, 3]) -> Bool {
            guard let reader = try? SecretStream.Reader(key: key, header: header) else { return false }
            for chunk in chunks { guard (try? reader.pull(chunk, associatedData: ad)) != nil else { return false } }
            return reader.finished
        }
        #expect(opens(sealed))
        var flipped = sealed
        flipped[2][100] ^= 0x01
        #expect(!opens(flipped))
        #expect(!opens(sealed, ad: [1, 2, 4]))
        #expect(!opens(sealed, key: SecureRandom.secret(SecretStream.keyLength)))
        var otherHeader = header
        otherHeader[0] ^= 0x80
        #expect(!opens(sealed, header: otherHeader))
        #expect(!opens([sealed[1], sealed[0], sealed[2], sealed[3]]))
        #expect(!opens([sealed[0], sealed[2], sealed[3]]))
        #expect(!opens([sealed[0], sealed[0], sealed[1], sealed[2], sealed[3]]))
        #expect(!opens([Array(sealed[0].prefix(SecretStream.overhead - 1))]))
    }

    @Test func wrongLengthsAreRefused() {
        #expect(throws: CryptoError.self) { try SecretStream.Writer(key: SecureRandom.secret(31)) }
        #expect(throws: CryptoError.self) {
            try SecretStream.Reader(key: SecureRandom.secret(SecretStream.keyLength), header: [0, 1])
        }
    }
}
