import CairnCrypto
import Testing

@Suite("SecureRandom")
struct SecureRandomTests {
    @Test func bytesHaveTheRequestedLengthAndDiffer() {
        #expect(SecureRandom.bytes(0).isEmpty)
        let first = SecureRandom.bytes(32)
        let second = SecureRandom.bytes(32)
        #expect(first.count == 32)
        #expect(first != second)  // 2^-256 chance of a false failure
        #expect(first != [UInt8](repeating: 0, count: 32))
    }

    @Test func secretsHaveTheRequestedLengthAndDiffer() {
        let first = SecureRandom.secret(32)
        let second = SecureRandom.secret(32)
        #expect(first.count == 32)
        #expect(first != second)
    }

    @Test(arguments: [1, 2, 7, 10, 1000, UInt32.max])
    func uniformStaysInRange(upperBound: UInt32) {
        for _ in 0..<500 {
            #expect(SecureRandom.uniform(upperBound) < upperBound)
        }
    }

    @Test func uniformReachesEveryValueOfASmallRange() {
        var seen = Set<UInt32>()
        for _ in 0..<2000 { seen.insert(SecureRandom.uniform(10)) }
        #expect(seen == Set(0..<10))  // missing one has probability ~10 * 0.9^2000
    }

    @Test func generatorDrivesStandardLibraryRandomness() {
        var generator = SecureRandomGenerator()
        #expect(generator.next() != generator.next())
        let deck = Array(0..<52)
        let shuffled = deck.shuffled(using: &generator)
        #expect(shuffled.sorted() == deck)
        #expect((0..<100).allSatisfy { _ in (0..<6).contains(Int.random(in: 0..<6, using: &generator)) })
    }
}
