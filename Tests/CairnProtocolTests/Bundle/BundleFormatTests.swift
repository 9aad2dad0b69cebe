import CairnCrypto
import CairnModel
import CairnProtocol
import Testing

/// The bundle file format: it round-trips for its recipient only, and every alteration
/// (header, signature, chunk, order, truncation) and every oversized length is refused.
@Suite("Bundle file format")
struct BundleFormatTests {
    struct Parties {
        let sender = Ed25519.PrivateKey()
        let recipient = X25519.PrivateKey()
        let recipientID = try! DeviceID(Ed25519.PrivateKey().publicKey.bytes)
        let federation = SecureRandom.bytes(16)
    }

    static let small = BundleLimits(chunkTargetBytes: 2_000)

    static func contents(deltas: Int = 40) -> BundleContents {
        BundleContents(
            certificates: [SecureRandom.bytes(300), SecureRandom.bytes(310)], revocations: [SecureRandom.bytes(200)],
            deltas: (0..<deltas).map { SecureRandom.bytes(100 + $0 * 7) })
    }

    static func write(_ contents: BundleContents, _ parties: Parties, limits: BundleLimits = small) throws -> [UInt8] {
        try BundleWriter.write(
            contents, federationID: parties.federation, senderCertificate: Array("certificate".utf8), signer: parties.sender,
            recipient: parties.recipientID, recipientWrappingKey: parties.recipient.publicKey, levels: ["RESTRICTED", "UNCLASSIFIED"],
            createdAt: 1_795_000_000, limits: limits)
    }

    /// Parses, verifies and opens a bundle completely; returns what it carries.
    static func read(_ bytes: [UInt8], _ parties: Parties, key: X25519.PrivateKey? = nil) throws -> BundleContents {
        let file = try BundleFile.parse(bytes, limits: small)
        try file.verifySignature(with: parties.sender.publicKey)
        var all = BundleContents()
        try file.forEachChunk(with: key ?? parties.recipient) { chunk in
            all.certificates += chunk.certificates
            all.revocations += chunk.revocations
            all.deltas += chunk.deltas
        }
        return all
    }

    /// Where the first chunk starts (after magic, header length, header and signature).
    static func firstChunkOffset(_ bytes: [UInt8]) -> Int {
        let headerLength = bytes[8..<12].reduce(0) { $0 << 8 | Int($1) }
        return 12 + headerLength + 64
    }

    @Test func roundTripsAcrossManyChunks() throws {
        let parties = Parties()
        let contents = Self.contents()
        let bytes = try Self.write(contents, parties)
        let file = try BundleFile.parse(bytes, limits: Self.small)
        #expect(file.header.chunks > 3)
        #expect(file.header.deltas == 40 && file.header.certificates == 2 && file.header.revocations == 1)
        #expect(file.header.recipient == parties.recipientID && file.header.federationID == parties.federation)
        #expect(file.header.levels == ["RESTRICTED", "UNCLASSIFIED"])
        #expect(try Self.read(bytes, parties) == contents)
        // Every bundle has its own id and content key.
        #expect(try BundleFile.parse(try Self.write(contents, parties), limits: Self.small).header.bundleID != file.header.bundleID)
    }

    @Test func anEmptyBundleStillHasOneChunk() throws {
        let parties = Parties()
        let bytes = try Self.write(BundleContents(), parties)
        #expect(try BundleFile.parse(bytes).header.chunks == 1)
        #expect(try Self.read(bytes, parties).isEmpty)
    }

    @Test func aTamperedHeaderOrSignatureIsRefused() throws {
        let parties = Parties()
        let bytes = try Self.write(Self.contents(), parties)
        let chunkStart = Self.firstChunkOffset(bytes)
        // Every byte of the header and the signature matters.
        for index in stride(from: 12, to: chunkStart, by: 7) {
            var altered = bytes
            altered[index] ^= 0x01
            #expect(throws: (any Error).self, "byte \(index)") { try Self.read(altered, parties) }
        }
        // Signed by someone else: the layout is fine, the signature is not.
        let file = try BundleFile.parse(bytes, limits: Self.small)
        #expect(throws: BundleError.badSignature) { try file.verifySignature(with: Ed25519.PrivateKey().publicKey) }
    }

    @Test func aTamperedChunkIsRefused() throws {
        let parties = Parties()
        let bytes = try Self.write(Self.contents(), parties)
        for index in [Self.firstChunkOffset(bytes) + 4, Self.firstChunkOffset(bytes) + 40, bytes.count - 1] {
            var altered = bytes
            altered[index] ^= 0x80
            #expect(throws: BundleError.self, "byte \(index)") { try Self.read(altered, parties) }
        }
    }

    @Test func chunksCannotBeSwappedBetweenBundles() throws {
        let parties = Parties()
        let contents = Self.contents(deltas: 1)
        let first = try Self.write(contents, parties)
        let second = try Self.write(contents, parties)
        // Same layout and sizes; the second's header with the first's chunks.
        let spliced = Array(second[..<Self.firstChunkOffset(second)]) + Array(first[Self.firstChunkOffset(first)...])
        #expect(throws: BundleError.self) { try Self.read(spliced, parties) }
    }

    @Test func aTruncatedFileIsRefusedWhereverItIsCut() throws {
        let parties = Parties()
        let bytes = try Self.write(Self.contents(), parties)
        for cut in stride(from: 0, to: bytes.count, by: 97) {
            #expect(throws: BundleError.self, "cut at \(cut)") { try Self.read(Array(bytes[..<cut]), parties) }
        }
        // Cut exactly at a chunk boundary: the chunk count says so.
        let file = try BundleFile.parse(bytes, limits: Self.small)
        let lastLength = try #require(Self.chunkLengths(bytes).last)
        #expect(throws: BundleError.truncated("\(file.header.chunks - 1) of \(file.header.chunks) chunks present")) {
            try BundleFile.parse(Array(bytes.dropLast(lastLength + 4)), limits: Self.small)
        }
        #expect(throws: BundleError.self) { try BundleFile.parse(bytes + [0], limits: Self.small) }
    }

    @Test func onlyTheRecipientCanOpenIt() throws {
        let parties = Parties()
        let bytes = try Self.write(Self.contents(), parties)
        #expect(throws: BundleError.decryptionFailed("the content key does not open with this device's wrapping key")) {
            try Self.read(bytes, parties, key: X25519.PrivateKey())
        }
    }

    @Test func oversizedLengthsAreRefusedBeforeAllocation() throws {
        let parties = Parties()
        let bytes = try Self.write(Self.contents(), parties)
        // A header length of 4 GiB - 1.
        var huge = bytes
        huge.replaceSubrange(8..<12, with: [0xFF, 0xFF, 0xFF, 0xFF])
        #expect(throws: BundleError.tooLarge(what: "bundle header", size: 0xFFFF_FFFF, limit: 64 * 1024)) {
            try BundleFile.parse(huge)
        }
        // A chunk length beyond the chunk limit.
        var chunk = bytes
        let start = Self.firstChunkOffset(bytes)
        chunk.replaceSubrange(start..<start + 4, with: [0x7F, 0xFF, 0xFF, 0xFF])
        #expect(throws: BundleError.tooLarge(what: "bundle chunk", size: 0x7FFF_FFFF, limit: 4 * 1024 * 1024 + SecretStream.overhead)) {
            try BundleFile.parse(chunk)
        }
        // The whole file beyond the reader's limit.
        #expect(throws: BundleError.tooLarge(what: "bundle", size: bytes.count, limit: 1_000)) {
            try BundleFile.parse(bytes, limits: BundleLimits(maxBundleBytes: 1_000))
        }
        // A writer refuses items the format does not allow.
        #expect(throws: BundleError.self) {
            try Self.write(BundleContents(deltas: [SecureRandom.bytes(SealedDelta.maxEnvelopeBytes + 1)]), parties)
        }
        #expect(throws: BundleError.self) { try Self.write(BundleContents(deltas: [[]]), parties) }
        #expect(throws: BundleError.malformed("not a Cairn bundle (wrong magic)")) {
            try BundleFile.parse(Array("CAIRNVC1".utf8) + Array(bytes.dropFirst(8)))
        }
    }

    static func chunkLengths(_ bytes: [UInt8]) -> [Int] {
        var offset = firstChunkOffset(bytes)
        var lengths: [Int] = []
        while offset + 4 <= bytes.count {
            let length = bytes[offset..<offset + 4].reduce(0) { $0 << 8 | Int($1) }
            lengths.append(length)
            offset += 4 + length
        }
        return lengths
    }
}
