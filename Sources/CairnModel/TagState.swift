/// One tag of a record, as an observed-remove set entry with add-wins semantics.
///
/// `adds` holds, per author, the newest add seen; `removed` joins the `observed` contexts of
/// every remove. A remove takes away only the adds its author had seen, so the tag is present
/// exactly when some author's newest add is newer than anything a remover saw of that author:
/// an add concurrent with a remove wins. Both parts only grow by maximum, so applying is
/// commutative, associative and idempotent.
public struct TagState: Hashable, Sendable {
    /// The newest add seen from each author.
    public var adds: CausalContext
    /// The adds that some remover had seen.
    public var removed: CausalContext

    /// Builds a tag state, empty by default; rebuilt from storage with both parts.
    public init(adds: CausalContext = CausalContext(), removed: CausalContext = CausalContext()) {
        self.adds = adds
        self.removed = removed
    }

    /// Whether the tag is on the record: some add has not been seen by any remover.
    public var isPresent: Bool {
        adds.entries.contains { author, reading in
            !removed.covers(Stamp(hlc: reading, author: author))
        }
    }

    /// What a local remove must observe: every add seen here.
    public var knowledge: CausalContext { adds }

    /// Folds in an add stamped `stamp`.
    public mutating func add(_ stamp: Stamp) {
        adds.include(stamp)
    }

    /// Folds in a remove that had seen `observed`.
    public mutating func remove(observed: CausalContext) {
        removed.join(observed)
    }
}
