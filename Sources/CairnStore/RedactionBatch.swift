/// What a group commit withdraws: record rows to drop, delta envelopes to replace by their
/// redacted form (same id, body gone), and the withdrawals to remember.
///
/// Written in the same transaction as the rest of its `WriteBatch`, after the batch's deltas
/// and records, so an envelope redacted here may belong to a delta stored by the same batch.
public struct RedactionBatch: Hashable, Sendable {
    /// Row keys of records to drop. A row staged by the same batch is dropped too (the daemon
    /// takes a key out of this set when it stages the record again after withdrawing it).
    public var removedRecords: Set<[UInt8]> = []
    /// Delta id → the redacted envelope to store in place of the full one.
    public var envelopes: [[UInt8]: [UInt8]] = [:]
    /// Withdrawals learned: a record withdrawn from a level.
    public var recordWithdrawals: [RecordWithdrawalRow] = []

    /// An empty batch.
    public init() {}

    /// True when there is nothing to withdraw.
    public var isEmpty: Bool { removedRecords.isEmpty && envelopes.isEmpty && recordWithdrawals.isEmpty }
}

/// A record withdrawn from a level: the stamp of the newest withdrawal seen, and whether it was a
/// retraction. Deltas of the record at that level stamped at or before it are never applied.
public struct RecordWithdrawalRow: Hashable, Sendable {
    /// Keyed hash of the record id, as in `RecordRow.key`.
    public var recordKey: [UInt8]
    public var level: String
    /// HLC and author of the withdrawing delta.
    public var hlcWall: UInt64
    public var hlcCounter: UInt32
    public var author: [UInt8]
    /// True for a retraction (the record is gone everywhere), false for a reclassification.
    public var retracted: Bool

    /// Builds a row.
    public init(
        recordKey: [UInt8], level: String, hlcWall: UInt64, hlcCounter: UInt32, author: [UInt8], retracted: Bool
    ) {
        self.recordKey = recordKey
        self.level = level
        self.hlcWall = hlcWall
        self.hlcCounter = hlcCounter
        self.author = author
        self.retracted = retracted
    }
}
