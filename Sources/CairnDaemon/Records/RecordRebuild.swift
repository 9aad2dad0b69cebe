import CairnModel

/// A record's state recomputed from the changes that remain once some of its deltas are
/// withdrawn (a retroactive revocation).
///
/// The merge rules make a record's state a function of the set of operations applied, whatever
/// their order (see `RecordState`), so the state a site holds after withdrawing deltas must be
/// the fold of what remains: exactly what a site that never received the withdrawn deltas
/// holds. A field the withdrawn author wrote falls back to the remaining writes (conflicts
/// included), its tags and deletion disappear, and a record nobody else wrote is gone.
enum RecordRebuild {
    /// The fold of every operation on `id` in `changes` (each a change at `level` that this site
    /// had applied), in stamp order; nil when none touches the record. Withdrawals are not
    /// folded (a site drops the state on a withdrawal instead; a held record has none left).
    static func state(of id: RecordID, at level: String, from changes: [Change]) throws -> RecordState? {
        var state: RecordState?
        for change in changes.sorted(by: { $0.stamp < $1.stamp }) where change.level == level {
            for operation in change.operations where operation.record == id {
                if case .withdraw = operation { continue }
                var current = state ?? RecordState.new(id: id, level: level, first: change.stamp)
                try current.apply(operation, stamp: change.stamp)
                state = current
            }
        }
        return state
    }
}
