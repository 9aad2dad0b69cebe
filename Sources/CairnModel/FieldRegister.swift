/// One write to a field: its stamp and the value written (`nil` for a removal).
public struct FieldWrite: Hashable, Sendable {
    /// When and by whom the field was written.
    public var stamp: Stamp
    /// The value written; `nil` means the writer removed the field.
    public var value: FieldValue?

    /// Builds a write, for example when rebuilding a register from storage.
    public init(stamp: Stamp, value: FieldValue?) {
        self.stamp = stamp
        self.value = value
    }

    /// Newer stamp wins; an identical stamp (only a faulty author issues one twice) is broken by
    /// the canonical order of values so that every replica keeps the same write.
    func supersedes(_ other: FieldWrite) -> Bool {
        if stamp != other.stamp { return stamp > other.stamp }
        return FieldValue.canonicallyPrecedes(other.value, value)
    }
}

/// A multi-value register for one field: last writer wins, and concurrent losers stay visible.
///
/// It keeps the newest write of each author (`writes`) and the join of the `observed` contexts of
/// every write applied (`context`). A write is *visible* unless `context` covers it, that is
/// unless some other write was made by someone who had seen it. A writer's `observed` never
/// covers its own new write (its clock reading is newer than anything it had seen), so joining
/// every write's context, its own included, is the same as joining the others'.
///
/// The visible write with the greatest stamp is the `winner`; the other visible writes are
/// `conflicts`, concurrent values no one has yet overwritten knowingly. A new local write that
/// puts `knowledge` in its `observed` supersedes them all, which is how a person resolves a
/// conflict. Applying is a per-author maximum plus a join, so it is commutative, associative and
/// idempotent.
public struct FieldRegister: Hashable, Sendable {
    /// The newest write of each author.
    public var writes: [DeviceID: FieldWrite]
    /// Everything some writer had seen when it wrote; covered writes are superseded.
    public var context: CausalContext

    /// Builds a register, empty by default; rebuilt from storage with both parts.
    public init(writes: [DeviceID: FieldWrite] = [:], context: CausalContext = CausalContext()) {
        self.writes = writes
        self.context = context
    }

    /// Folds in one write and the context its author had observed.
    public mutating func apply(_ write: FieldWrite, observed: CausalContext) {
        // Only the author's newest write matters: an author always observes its own earlier
        // writes, so they are covered by the newer write's context anyway.
        let author = write.stamp.author
        if writes[author].map(write.supersedes) ?? true {
            writes[author] = write
        }
        context.join(observed)
    }

    /// The writes no other writer has seen, newest first.
    public var visibleWrites: [FieldWrite] {
        writes.values.filter { !context.covers($0.stamp) }.sorted { $0.stamp > $1.stamp }
    }

    /// The visible write with the greatest stamp, or `nil` when every write is superseded (which
    /// a correct writer cannot cause, since its own write stays visible).
    public var winner: FieldWrite? {
        visibleWrites.first
    }

    /// The visible writes that lost to the winner, newest first.
    public var conflicts: [FieldWrite] {
        Array(visibleWrites.dropFirst())
    }

    /// What a new local write must observe to supersede every write held here.
    public var knowledge: CausalContext {
        var result = context
        for write in writes.values {
            result.include(write.stamp)
        }
        return result
    }
}
