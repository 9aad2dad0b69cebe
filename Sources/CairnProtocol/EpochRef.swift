import CairnCrypto

/// Names one epoch key of a level. Concurrent rotations may create two keys with the same number,
/// so the order is (number, key id): the greatest epoch a writer holds is the one it uses.
public struct EpochRef: Hashable, Comparable, Sendable, CustomStringConvertible {
    /// Length of a key id.
    public static let keyIDLength = 16

    public var number: UInt32
    public var keyID: [UInt8]

    public init(number: UInt32, keyID: [UInt8]) throws {
        guard number >= 1 else { throw ProtocolError.epochMismatch("epoch numbers start at 1") }
        guard keyID.count == Self.keyIDLength else {
            throw ProtocolError.epochMismatch("a key id is \(Self.keyIDLength) bytes, got \(keyID.count)")
        }
        self.number = number
        self.keyID = keyID
    }

    /// A fresh epoch with a random key id.
    public static func random(number: UInt32) -> EpochRef {
        try! EpochRef(number: number, keyID: SecureRandom.bytes(keyIDLength))
    }

    public static func < (lhs: EpochRef, rhs: EpochRef) -> Bool {
        if lhs.number != rhs.number { return lhs.number < rhs.number }
        return lhs.keyID.lexicographicallyPrecedes(rhs.keyID)
    }

    public var description: String {
        "\(number)/" + keyID.prefix(4).map { String($0, radix: 16).leftPadded(2) }.joined()
    }
}

extension String {
    func leftPadded(_ width: Int) -> String {
        count >= width ? self : String(repeating: "0", count: width - count) + self
    }
}
