import CairnCrypto
import CairnModel
import CairnProtocol
import Testing

/// The signed vector file a recipient hands to a sender it never connects to.
@Suite("Bundle vector file")
struct BundleVectorFileTests {
    static func positions() throws -> [StreamPosition] {
        var positions: [StreamPosition] = []
        for index in 0..<5 {
            let author = try DeviceID([UInt8](repeating: UInt8(9 - index), count: 32))
            let level = index % 2 == 0 ? "SECRET" : "RESTRICTED"
            positions.append(StreamPosition(author: author, level: level, sequence: UInt64(index + 1), head: SecureRandom.bytes(32)))
        }
        return positions
    }

    @Test func roundTripsSortedAndVerifies() throws {
        let signer = Ed25519.PrivateKey()
        let positions = try Self.positions()
        let bytes = BundleVectorFile.make(
            federationID: SecureRandom.bytes(16), certificate: [1, 2, 3], createdAt: 42, positions: positions, signer: signer)
        let file = try BundleVectorFile.parse(bytes)
        #expect(file.positions == positions.sorted())
        #expect(file.certificate == [1, 2, 3] && file.createdAt == 42)
        try file.verifySignature(with: signer.publicKey)
        #expect(throws: BundleError.badSignature) { try file.verifySignature(with: Ed25519.PrivateKey().publicKey) }
    }

    @Test func alteredOrCutFilesAreRefused() throws {
        let signer = Ed25519.PrivateKey()
        let bytes = BundleVectorFile.make(
            federationID: SecureRandom.bytes(16), certificate: [1, 2, 3], createdAt: 42, positions: try Self.positions(), signer: signer)
        for index in stride(from: 12, to: bytes.count, by: 5) {
            var altered = bytes
            altered[index] ^= 0x04
            #expect(throws: (any Error).self, "byte \(index)") {
                try BundleVectorFile.parse(altered).verifySignature(with: signer.publicKey)
            }
        }
        #expect(throws: BundleError.self) { try BundleVectorFile.parse(Array(bytes.dropLast())) }
        #expect(throws: BundleError.tooLarge(what: "vector file", size: bytes.count, limit: 10)) {
            try BundleVectorFile.parse(bytes, limits: BundleLimits(maxVectorFileBytes: 10))
        }
    }
}
