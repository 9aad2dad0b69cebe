import CairnCrypto
import Testing

@Suite("ConstantTime")
struct ConstantTimeTests {
    @Test func equalInputsCompareEqual() {
        #expect(ConstantTime.equals([], []))
        #expect(ConstantTime.equals([7], [7]))
        let long = SecureRandom.bytes(1000)
        #expect(ConstantTime.equals(long, Array(long)))
    }

    @Test func anyDifferingByteMakesInputsUnequal() {
        let base = SecureRandom.bytes(64)
        for index in base.indices {
            var other = base
            other[index] ^= 0x01
            #expect(!ConstantTime.equals(base, other), "byte \(index)")
        }
    }

    @Test func differentLengthsAreUnequal() {
        let base: [UInt8] = [1, 2, 3]
        #expect(!ConstantTime.equals(base, [1, 2]))
        #expect(!ConstantTime.equals(base, [1, 2, 3, 0]))
        #expect(!ConstantTime.equals([], [0]))
        #expect(!ConstantTime.equals([0], []))
    }

    @Test func rawBufferOverloadAgrees() {
        let a: [UInt8] = [1, 2, 3, 4]
        let b: [UInt8] = [1, 2, 3, 5]
        a.withUnsafeBytes { pa in
            b.withUnsafeBytes { pb in
                #expect(!ConstantTime.equals(pa, pb))
                #expect(ConstantTime.equals(pa, pa))
                #expect(ConstantTime.equals(UnsafeRawBufferPointer(rebasing: pa[0..<3]), UnsafeRawBufferPointer(rebasing: pb[0..<3])))
            }
        }
    }
}
