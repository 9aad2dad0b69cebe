import CairnProtocol
import Testing

@Suite("EpochRef")
struct EpochRefTests {
    static func ref(_ number: UInt32, _ fill: UInt8, last: UInt8? = nil) throws -> EpochRef {
        var keyID = [UInt8](repeating: fill, count: EpochRef.keyIDLength)
        if let last { keyID[keyID.count - 1] = last }
        return try EpochRef(number: number, keyID: keyID)
    }

    @Test func ordersByNumberThenKeyID() throws {
        let low = try Self.ref(1, 0xFF)
        let twoA = try Self.ref(2, 0x00, last: 0x01)
        let twoB = try Self.ref(2, 0x00, last: 0x02)
        let twoC = try Self.ref(2, 0x01)
        let high = try Self.ref(10, 0x00)
        // The number decides before any key id byte does.
        #expect(low < twoA)
        #expect(twoA < twoB)
        #expect(twoB < twoC)
        #expect(twoC < high)
        #expect(!(twoA < twoA))
        #expect(!(twoB < twoA))
        #expect([high, twoB, low, twoC, twoA].sorted() == [low, twoA, twoB, twoC, high])
        #expect([twoB, twoC, twoA].max() == twoC)
    }

    @Test func equalityAndHashingUseBothParts() throws {
        let a = try Self.ref(2, 0x00)
        #expect(a == (try Self.ref(2, 0x00)))
        #expect(a != (try Self.ref(3, 0x00)))
        #expect(a != (try Self.ref(2, 0x00, last: 0x01)))
        #expect(Set([a, try Self.ref(2, 0x00), try Self.ref(3, 0x00)]).count == 2)
    }

    @Test func numberZeroIsRefused() throws {
        expectProtocolError(.epochMismatch) { _ = try EpochRef(number: 0, keyID: [UInt8](repeating: 1, count: 16)) }
        #expect(try EpochRef(number: 1, keyID: [UInt8](repeating: 1, count: 16)).number == 1)
        #expect(try EpochRef(number: .max, keyID: [UInt8](repeating: 1, count: 16)).number == .max)
    }

    @Test(arguments: [0, 1, 15, 17, 32])
    func keyIDOfTheWrongLengthIsRefused(length: Int) throws {
        expectProtocolError(.epochMismatch) { _ = try EpochRef(number: 1, keyID: [UInt8](repeating: 1, count: length)) }
    }

    @Test func randomEpochsHaveFreshSixteenByteKeyIDs() throws {
        let first = EpochRef.random(number: 5)
        let second = EpochRef.random(number: 5)
        #expect(first.number == 5)
        #expect(first.keyID.count == 16)
        #expect(first.keyID != second.keyID)
    }

    @Test func descriptionShowsTheNumberAndTheKeyIDPrefix() throws {
        let epoch = try EpochRef(number: 3, keyID: [0x0A, 0xB0, 0x00, 0xFF] + [UInt8](repeating: 0x11, count: 12))
        #expect(epoch.description == "3/0ab000ff")
    }
}
