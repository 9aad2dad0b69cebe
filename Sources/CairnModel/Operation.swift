/// One edit to one record, as carried in a change.
///
/// Operations that remove something (`setField` with `nil`, `removeTag`) or overwrite it carry
/// the `observed` context of what their author had seen, so that they take away exactly what the
/// author saw and nothing written concurrently: a concurrent write survives as a conflict (fields)
/// or stays present (tags, add-wins) instead of being dropped silently.
public enum Operation: Hashable, Sendable {
    /// Sets the record's type; last writer wins.
    case setType(record: RecordID, type: String)
    /// Writes a field (`nil` removes it), replacing the writes in `observed`.
    case setField(record: RecordID, name: String, value: FieldValue?, observed: CausalContext)
    /// Adds a tag.
    case addTag(record: RecordID, tag: String)
    /// Removes the adds of a tag that are in `observed`; concurrent adds survive.
    case removeTag(record: RecordID, tag: String, observed: CausalContext)
    /// Deletes the record. Deletion is final: later edits are kept for convergence but the record
    /// stays deleted.
    case delete(record: RecordID)
    /// Marks the change that moves a record to the change's level from `from`. The same change
    /// carries the record's whole state as ordinary operations; `origin` is the agency that
    /// created the record (what the charter's downgrade rule is checked against).
    case reclassify(record: RecordID, from: String, origin: String)
    /// A tombstone at the change's level: the record is withdrawn from it, moved to level `to`
    /// or, when `to` is `nil`, retracted (gone everywhere). Receivers drop what they hold of it
    /// at that level, including the bodies of `redact` (ids of its deltas there). Always alone
    /// in its change.
    case withdraw(record: RecordID, reason: String, redact: [[UInt8]], to: String?)

    /// The record this operation edits.
    public var record: RecordID {
        switch self {
        case .setType(let record, _), .setField(let record, _, _, _), .addTag(let record, _),
            .removeTag(let record, _, _), .delete(let record), .reclassify(let record, _, _),
            .withdraw(let record, _, _, _):
            return record
        }
    }
}
