/// One epoch key of one level, sealed to this device's wrapping key by the daemon.
public struct EpochKeyRow: Hashable, Sendable {
    /// The level the key encrypts.
    public var level: String
    /// The epoch number (1, 2, 3, …); concurrent rotations may share a number.
    public var number: UInt32
    /// Random id chosen with the key; with `number`, names and orders the key.
    public var keyID: [UInt8]
    /// The key, sealed so that only this device can open it.
    public var sealed: [UInt8]
    /// When the key was stored, in the caller's time unit.
    public var createdAt: Int64

    /// Builds an epoch key row.
    public init(level: String, number: UInt32, keyID: [UInt8], sealed: [UInt8], createdAt: Int64) {
        self.level = level
        self.number = number
        self.keyID = keyID
        self.sealed = sealed
        self.createdAt = createdAt
    }
}
