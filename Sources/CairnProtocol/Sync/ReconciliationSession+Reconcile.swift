import CairnModel

extension ReconciliationSession {
    /// Counts the peer's new reconcile session (its round 1) against the same rate limit as a
    /// `Summary`: a session costs a hash of every stream head, so a peer may not open them at
    /// will.
    public mutating func notePeerSession(at now: ContinuousClock.Instant) throws(SyncError) {
        try flood.noteSummary(at: now)
    }

    /// Takes what a finished reconcile session over our stream heads `items` found: the peer's
    /// exact positions of every stream we hold become what is known of it (as a whole vector
    /// would), and the comparison says what to send it and which equivocations to report.
    /// Returns it and the peer's positions of the streams we hold, sorted (for air-gap bundles).
    public mutating func finishReconcile(
        items: StreamHeadItems, outcome: ReconcileOutcome
    ) -> (comparison: StreamHeadComparison, peerVector: [StreamPosition]) {
        let comparison = items.compare(outcome)
        let differing = Set(outcome.differences.map(\.key))
        var theirs = comparison.peerPositions
        var streams: [StreamID] = []
        streams.reserveCapacity(items.positions.count)
        for (key, position) in items.positions where commonLevels.contains(position.level) {
            streams.append(position.stream)
            if !differing.contains(key) { theirs.append(position) }
        }
        theirs = theirs.filter { commonLevels.contains($0.level) }.sorted()
        peer.replace(with: theirs, over: streams)
        flood.relieve()
        return (comparison, theirs)
    }
}

extension ReconciliationSession {
    /// Counts a reconcile message that answers nothing (a late message of a session that is
    /// over, a replayed opening), or a session of the peer's that failed, against the same
    /// bound as round frames that answer nothing: a peer that keeps doing it is flooding.
    public mutating func noteIgnoredReconcile(_ what: String) throws(SyncError) {
        try flood.press(what)
    }
}
