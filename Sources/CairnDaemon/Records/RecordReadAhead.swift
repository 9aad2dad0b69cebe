import CairnStore
import Logging

/// Reads ahead, once per group, the record rows and withdrawals its writes will look at (a write
/// names its id's rows at every level this site reads, `Job.reads`): one read transaction for
/// the group, with prepared statements, where each write used to open up to three (the rows,
/// the retraction check, the withdrawals), each preparing its statement again.
///
/// What is read is the store as of the group's start, which nothing but the group changes until
/// it commits; the group's own writes and withdrawals are checked first, as without a read-ahead
/// (`WriteContext.pending`, its batch). A read that fails costs only speed: each write then
/// reads for itself, and fails if the store stays unreadable.
struct RecordReadAhead: LedgerParticipant {
    let store: any SiteStore
    let logger: Logger

    func readAhead(_ keys: [[UInt8]], into context: inout WriteContext) {
        var seen: Set<[UInt8]> = []
        let unread = keys.filter { context.prefetched.record($0) == nil && seen.insert($0).inserted }
        guard !unread.isEmpty else { return }
        do {
            let (records, withdrawals) = try store.prefetch(keys: unread)
            context.prefetched.add(keys: unread, records: records, withdrawals: withdrawals)
        } catch {
            logger.warning("store.prefetch_failed", metadata: .error(error))
        }
    }
}
