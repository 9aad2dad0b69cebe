import CairnCrypto
import Testing

@Suite("SecureBytes")
struct SecureBytesTests {
    @Test(arguments: [0, 1, 16, 33, 4096])
    func copyBytesRoundTrips(length: Int) {
        let bytes = SecureRandom.bytes(length)
        let secret = SecureBytes(copying: bytes)
        #expect(secret.count == length)
        #expect(secret.copyBytes() == bytes)
        #expect(secret.withUnsafeBytes { Array($0) } == bytes)
    }

    @Test func newBufferIsZeroedAndInitializerFillsIt() {
        #expect(SecureBytes(count: 24).copyBytes() == [UInt8](repeating: 0, count: 24))
        let filled = SecureBytes(count: 4) { buffer in
            #expect(buffer.count == 4)
            buffer.copyBytes(from: [1, 2, 3, 4])
        }
        #expect(filled.copyBytes() == [1, 2, 3, 4])
    }

    @Test func initializerErrorsPropagate() {
        struct Refused: Error {}
        #expect(throws: Refused.self) { try SecureBytes(count: 8) { _ in throw Refused() } }
    }

    @Test func equalityComparesContents() {
        let bytes = SecureRandom.bytes(32)
        let first = SecureBytes(copying: bytes)
        let second = SecureBytes(copying: bytes)
        #expect(first == second)
        #expect(first == first)
        #expect(SecureBytes(count: 0) == SecureBytes(count: 0))

        var lastByteChanged = bytes
        lastByteChanged[31] ^= 1
        var firstByteChanged = bytes
        firstByteChanged[0] ^= 0x80
        #expect(first != SecureBytes(copying: lastByteChanged))
        #expect(first != SecureBytes(copying: firstByteChanged))
        #expect(first != SecureBytes(copying: bytes.dropLast()))
        #expect(first != SecureBytes(copying: bytes + [0]))
    }

    @Test func equalityAgreesWithConstantTimeComparison() {
        let samples = [[], [0], [1], [0, 0], Array(0..<32), Array(1...32)] as [[UInt8]]
        for a in samples {
            for b in samples {
                #expect((SecureBytes(copying: a) == SecureBytes(copying: b)) == ConstantTime.equals(a, b))
                #expect((SecureBytes(copying: a) == SecureBytes(copying: b)) == (a == b))
            }
        }
    }

    @Test func copyingIsIndependentOfTheSource() {
        var source: [UInt8] = [9, 9, 9]
        let secret = SecureBytes(copying: source)
        source[0] = 0
        #expect(secret.copyBytes() == [9, 9, 9])
    }
}
