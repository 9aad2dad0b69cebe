/// The materialized state of one record, sealed under its level's epoch key by the daemon.
///
/// The store sees only the keyed hash of the record id and ciphertext, so a stolen database file
/// reveals neither record ids nor contents.
public struct RecordRow: Hashable, Sendable {
    /// Keyed hash of the record id (32 bytes), computed by the caller with the local index key.
    public var key: [UInt8]
    /// The record's classification level.
    public var level: String
    /// Number of the epoch whose key sealed `sealed`.
    public var epochNumber: UInt32
    /// Id of the epoch key that sealed `sealed` (with `epochNumber`, names the key).
    public var epochKeyID: [UInt8]
    /// The sealed record state.
    public var sealed: [UInt8]
    /// When the state was last written, in the caller's time unit.
    public var updatedAt: Int64

    /// Builds a record row.
    public init(
        key: [UInt8], level: String, epochNumber: UInt32, epochKeyID: [UInt8], sealed: [UInt8],
        updatedAt: Int64
    ) {
        self.key = key
        self.level = level
        self.epochNumber = epochNumber
        self.epochKeyID = epochKeyID
        self.sealed = sealed
        self.updatedAt = updatedAt
    }
}
