/// Bounds how much work the peer can make a session do with small frames.
///
/// A `Summary` costs us a digest of our whole vector and, when digests differ, sending all of
/// it; a vector costs a comparison. Two limits: summaries per sliding time window, and round
/// frames in a row that arrive while an earlier round of the peer is still open or that answer
/// nothing (duplicates, stale or unsolicited rounds). Any completed round clears the second.
struct FloodGuard: Hashable, Sendable {
    let limits: SyncLimits
    private var recentSummaries: [ContinuousClock.Instant] = []
    private(set) var pressure = 0

    init(limits: SyncLimits) {
        self.limits = limits
    }

    /// Counts one new summary at `now`, refusing it when the window is already full.
    mutating func noteSummary(at now: ContinuousClock.Instant) throws(SyncError) {
        let window = limits.summaryWindow
        recentSummaries.removeAll { now - $0 >= window }
        guard recentSummaries.count < limits.maxSummariesPerWindow else {
            throw .flooding("more than \(limits.maxSummariesPerWindow) summaries within \(window)")
        }
        recentSummaries.append(now)
    }

    /// Counts one frame that overlaps an open round or answers nothing.
    mutating func press(_ what: String) throws(SyncError) {
        pressure += 1
        guard pressure <= limits.maxOverlappingRounds else {
            throw .flooding(
                "\(pressure) round frames in a row overlap an open round or answer nothing (last: \(what)); "
                    + "the limit is \(limits.maxOverlappingRounds)")
        }
    }

    /// A round completed: the peer is answering.
    mutating func relieve() { pressure = 0 }
}
