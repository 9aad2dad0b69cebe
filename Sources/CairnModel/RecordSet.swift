/// A set of records with the changes applied to them: the whole model state of one replica.
///
/// The store keeps records in a database; this in-memory form exists for tests and simulations,
/// where the merge laws are checked by applying changes in many orders and comparing sets.
public struct RecordSet: Hashable, Sendable {
    /// The records, by id.
    public var records: [RecordID: RecordState]

    /// Builds a set, empty by default.
    public init(_ records: [RecordID: RecordState] = [:]) {
        self.records = records
    }

    /// The state of one record, or `nil` if no operation on it has arrived.
    public subscript(id: RecordID) -> RecordState? {
        records[id]
    }

    /// Validates `change` and applies it atomically: either every operation is applied or, on a
    /// thrown error, nothing is.
    ///
    /// Throws what `Change.validate()` throws, and `ModelError.levelMismatch` when the change
    /// touches a record that lives at another level: a record's writes must all come from streams
    /// at its level, or the per-author contexts that decide conflicts would no longer be exact.
    public mutating func apply(_ change: Change) throws {
        try change.validate()
        for operation in change.operations {
            if let existing = records[operation.record], existing.level != change.level {
                throw ModelError.levelMismatch(
                    operation.record, recordLevel: existing.level, changeLevel: change.level)
            }
        }
        let stamp = change.stamp
        for operation in change.operations {
            let id = operation.record
            try records[id, default: RecordState.new(id: id, level: change.level, first: stamp)]
                .apply(operation, stamp: stamp)
        }
    }

    /// The reader's view of every record, sorted by id.
    public func views() -> [RecordView] {
        records.keys.sorted().compactMap { records[$0]?.view() }
    }
}
