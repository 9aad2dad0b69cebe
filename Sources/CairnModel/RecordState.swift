/// The full mergeable state of one record: everything needed to merge further writes, including
/// superseded history that `view()` hides.
///
/// It is a state-based CRDT built from smaller ones, each merged by maxima and joins:
/// - `type` is a last-writer-wins register: the greatest stamp wins;
/// - each field is a `FieldRegister` (last writer wins, concurrent losers kept as conflicts);
/// - each tag is a `TagState` (observed-remove, add wins);
/// - `deleted` is the greatest stamp of any delete; deletion is final, but later writes are still
///   folded in so that every replica ends in the same state whatever the arrival order;
/// - `created` and `updated` are the least and greatest stamps applied.
///
/// So applying any set of operations in any order, with duplicates, gives equal states. Every
/// stored property is public so the store can persist and rebuild it exactly.
public struct RecordState: Hashable, Sendable {
    /// The record's id.
    public var id: RecordID
    /// The classification level the record lives at; all its writes come from streams at it.
    public var level: String
    /// The record's type, `nil` until a `setType` arrives.
    public var type: String?
    /// The stamp of the write that set `type`.
    public var typeStamp: Stamp?
    /// The field registers, by name, including removed and superseded writes.
    public var fields: [String: FieldRegister]
    /// The tag states, by tag, including removed tags.
    public var tags: [String: TagState]
    /// The greatest stamp of any delete, or `nil` if the record was never deleted.
    public var deleted: Stamp?
    /// The least stamp applied: when the record was created, as far as anyone can tell.
    public var created: Stamp
    /// The greatest stamp applied: the last time anything touched the record.
    public var updated: Stamp
    /// The agency that created the record, once it has been reclassified (a reclassification
    /// re-stamps everything, so `created` no longer names the creator); `nil` before that, when
    /// the creator is the agency of `created.author`.
    public var originAgency: String?

    /// Rebuilds a state from its parts, for the store.
    public init(
        id: RecordID, level: String, type: String?, typeStamp: Stamp?,
        fields: [String: FieldRegister], tags: [String: TagState],
        deleted: Stamp?, created: Stamp, updated: Stamp, originAgency: String? = nil
    ) {
        self.originAgency = originAgency
        self.id = id
        self.level = level
        self.type = type
        self.typeStamp = typeStamp
        self.fields = fields
        self.tags = tags
        self.deleted = deleted
        self.created = created
        self.updated = updated
    }

    /// An empty record about to receive its first operation, stamped `stamp`.
    public static func new(id: RecordID, level: String, first stamp: Stamp) -> RecordState {
        RecordState(
            id: id, level: level, type: nil, typeStamp: nil, fields: [:], tags: [:],
            deleted: nil, created: stamp, updated: stamp)
    }

    /// Whether the record has been deleted; deletion is final.
    public var isDeleted: Bool { deleted != nil }

    /// Folds in one operation of a change stamped `stamp`.
    ///
    /// Throws `ModelError.recordMismatch` if the operation edits another record. The operation
    /// is assumed valid (`Change.validate()`).
    public mutating func apply(_ operation: Operation, stamp: Stamp) throws {
        guard operation.record == id else {
            throw ModelError.recordMismatch(expected: id, found: operation.record)
        }
        created = min(created, stamp)
        updated = max(updated, stamp)
        switch operation {
        case .setType(_, let newType):
            if let current = typeStamp {
                // Equal stamps only come from a faulty author; the greater name wins everywhere.
                let wins = stamp > current || (stamp == current && (type ?? "").utf8.lexicographicallyPrecedes(newType.utf8))
                guard wins else { return }
            }
            type = newType
            typeStamp = stamp
        case .setField(_, let name, let value, let observed):
            fields[name, default: FieldRegister()].apply(FieldWrite(stamp: stamp, value: value), observed: observed)
        case .addTag(_, let tag):
            tags[tag, default: TagState()].add(stamp)
        case .removeTag(_, let tag, let observed):
            tags[tag, default: TagState()].remove(observed: observed)
        case .delete:
            deleted = max(deleted ?? stamp, stamp)
        case .reclassify(_, _, let origin):
            // Every reclassification of one record names the same creator; should two faulty
            // ones disagree, the lesser name holds on every replica.
            originAgency = originAgency.map { min($0, origin) } ?? origin
        case .withdraw:
            // A withdrawal removes the record from its level; the replica drops the state
            // itself (see the daemon's ingest), so there is nothing to fold in.
            break
        }
    }

    /// Whether a field has concurrent writes no later write resolved: what `view()` lists as
    /// `conflicts`, without building the view.
    public var hasConflicts: Bool {
        fields.values.contains { $0.visibleWrites.count > 1 }
    }

    /// What a reader sees: winning values, open conflicts and present tags.
    public func view() -> RecordView {
        var values: [String: FieldValue] = [:]
        var conflicts: [String: [ConflictValue]] = [:]
        for (name, register) in fields {
            let visible = register.visibleWrites
            guard let winner = visible.first else { continue }
            if let value = winner.value { values[name] = value }
            if visible.count > 1 {
                conflicts[name] = visible.dropFirst().map { ConflictValue(value: $0.value, stamp: $0.stamp) }
            }
        }
        let present = tags.filter { $0.value.isPresent }.keys.sorted { $0.utf8.lexicographicallyPrecedes($1.utf8) }
        return RecordView(
            id: id, level: level, type: type, fields: values, conflicts: conflicts, tags: present,
            deleted: deleted, created: created, updated: updated)
    }
}
