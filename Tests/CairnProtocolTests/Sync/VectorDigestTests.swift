import CairnCrypto
import CairnModel
import CairnProtocol
import Testing

/// The digest is normative: its known answers were computed from the specification with an
/// independent BLAKE2b (Python's hashlib), not with this code.
@Suite("VectorDigest")
struct VectorDigestTests {
    static let fixed: [StreamPosition] = [
        StreamPosition(
            author: try! DeviceID([UInt8](repeating: 1, count: 32)), level: "CONFIDENTIAL", sequence: 7,
            head: [UInt8](repeating: 0xAA, count: 32)),
        StreamPosition(
            author: try! DeviceID([UInt8](repeating: 1, count: 32)), level: "RESTRICTED", sequence: 1,
            head: Array(0..<32)),
        StreamPosition(
            author: try! DeviceID([UInt8](repeating: 2, count: 32)), level: "UNCLASSIFIED",
            sequence: 0x0102_0304_0506_0708, head: [UInt8](repeating: 0xFF, count: 32)),
    ]

    @Test func knownAnswer() {
        #expect(
            Hex.encode(VectorDigest.digest(Self.fixed))
                == "8d455b9983157625e76421ba5bbb046beeb86e0e7a3d5b337abea17c076ee972")
        #expect(
            Hex.encode(VectorDigest.digest([]))
                == "2887020a939a58c714427097b102c2c6c62414812dff1f7f6393d3a10f0506d3")
    }

    @Test func matchesTheSpecifiedConcatenation() {
        var input = Array("cairn/v1/vector-digest".utf8) + [0]
        for position in Self.fixed {
            input += position.author.bytes + [UInt8(position.level.utf8.count)] + Array(position.level.utf8)
            input += (0..<8).reversed().map { UInt8(truncatingIfNeeded: position.sequence >> (8 * UInt64($0))) }
            input += position.head
        }
        #expect(VectorDigest.digest(Self.fixed) == BLAKE2b.hash(input))
    }

    @Test func orderOfTheInputDoesNotMatter() {
        #expect(VectorDigest.digest(Self.fixed.reversed()) == VectorDigest.digest(Self.fixed))
        #expect(VectorDigest.digest([Self.fixed[2], Self.fixed[0], Self.fixed[1]]) == VectorDigest.digest(Self.fixed))
    }

    @Test func everyFieldCounts() {
        let base = VectorDigest.digest(Self.fixed)
        var changed = Self.fixed
        changed[1].sequence = 2
        #expect(VectorDigest.digest(changed) != base)
        changed = Self.fixed
        changed[1].head[31] ^= 1
        #expect(VectorDigest.digest(changed) != base)
        changed = Self.fixed
        changed[1].level = "SECRET"
        #expect(VectorDigest.digest(changed) != base)
        #expect(VectorDigest.digest(Array(Self.fixed.dropLast())) != base)
    }

    @Test func largeVectorsDigestAcrossChunks() {
        // Over the internal 64 KiB buffer: the digest must not depend on where chunks end.
        let vector = SyncFixtures.largeVector(2_000)
        var input = VectorDigest.domain
        for position in vector {
            input += position.author.bytes + [UInt8(position.level.utf8.count)] + Array(position.level.utf8)
            input += (0..<8).reversed().map { UInt8(truncatingIfNeeded: position.sequence >> (8 * UInt64($0))) }
            input += position.head
        }
        #expect(VectorDigest.digest(vector) == BLAKE2b.hash(input))
    }
}
