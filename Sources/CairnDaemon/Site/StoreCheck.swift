import CairnStore
import Foundation
import Logging
import NIOPosix
import Synchronization

/// The check of everything stored that runs once per start, after the daemon is ready: every
/// delta's envelope must parse and match its id and stream position (a bad one is quarantined),
/// and the audit chain must verify. Both are linear in the store (tens of seconds with a
/// million deltas), so they run in the background at low priority while the daemon serves;
/// `status` reports `checking` until they are done and their findings under `problems` after.
///
/// Serving before the check is done is safe: every delta sent to a peer is verified again by
/// the peer, records are read from their own sealed rows, and the audit chain is append-only.
final class StoreCheck: Sendable {
    private struct Progress {
        var running = false
        var done = false
        var cancelled = false
        var problems: [String] = []
    }

    private let progress = Mutex(Progress())

    /// Whether the check is under way (started and not finished).
    var isRunning: Bool { progress.withLock { $0.running } }
    /// What the check found (empty until it is done, and when all is well).
    var problems: [String] { progress.withLock { $0.problems } }
    var isCancelled: Bool { progress.withLock { $0.cancelled } }

    /// Says the check will run (`status` shows `checking` from now on): called before the control
    /// socket opens, so that no `status` answered in between says the check is done.
    func schedule() {
        progress.withLock { state in
            if !state.done { state.running = true }
        }
    }

    /// Runs the check as a task of the daemon's service group: the scan is blocking work (SQLite
    /// and hashing), so it runs on a thread pool of one thread of its own at nice 10, shut down
    /// once the check is done; cancelling the task stops the scan at its next delta or audit entry.
    func runInBackground(_ site: Site) async {
        let pool = NIOThreadPool(numberOfThreads: 1)
        pool.start()
        await withTaskCancellationHandler {
            do {
                try await pool.runIfActive {
                    // Nice 10 for this pool's only thread (on Linux the nice value is per thread,
                    // and "0" names the calling one); failing is harmless.
                    _ = setpriority(__priority_which_t(PRIO_PROCESS.rawValue), 0, 10)
                    self.run(site)
                }
            } catch {
                // Only a pool that is not running refuses the job, and this one was just started.
                site.logger.error("store.check_failed", metadata: .error(error))
            }
        } onCancel: {
            cancel()
        }
        // The pool's thread has finished its only job: nothing is left to wait for.
        try? await pool.shutdownGracefully()
    }

    /// Stops a running check at its next delta or audit entry (a check not started yet stops at
    /// its first).
    func cancel() {
        progress.withLock { $0.cancelled = true }
    }

    /// Runs the check on the calling thread (tests, and the thread of `runInBackground`).
    func run(_ site: Site) {
        progress.withLock { $0.running = true }
        let started = Date()
        var found: [String] = []
        var events: [StartupEvent] = []
        var entries: Int64 = 0
        do {
            if site.ledger.read({ $0.deletedCounts == nil }) {
                // A store without a deleted tally (made by an earlier version): counted once
                // now, so that the first status does not have to.
                do {
                    _ = try site.status.deletedCountsAndKeyring(cancelled: { self.isCancelled })
                } catch where !isCancelled {
                    site.logger.warning("store.deleted_count_failed", metadata: .error(error))
                }
            }
            found += try StoreScan(database: site.database, logger: site.logger, cancelled: { self.isCancelled }).run(events: &events)
            let verdict = try AuditChain.verify { visit in
                try site.database.forEachAudit { row in try !self.isCancelled && visit(row) }
            }
            entries = verdict.entries
            if let broken = verdict.broken {
                site.logger.error("audit.chain_broken", metadata: ["audit.seq": "\(broken.seq)", "reason": "\(broken.reason)"])
                found.append("the audit log is broken at entry \(broken.seq): \(broken.reason)")
            }
            // Chain breaks found at start are in `status` already (from the log's index of them);
            // what only the whole chain shows is an acknowledgement the device did not sign.
            for seq in AuditBreakLedger(rows: verdict.breakRows, device: site.identity.deviceID).invalidAcknowledgements {
                site.logger.error("audit.acknowledgement_forged", metadata: ["audit.seq": "\(seq)"])
                found.append("audit entry \(seq) claims to acknowledge a chain break but is not signed by this device")
            }
            if !events.isEmpty { try site.audit.recordEvents(events) }
        } catch {
            if !isCancelled {
                site.logger.error("store.check_failed", metadata: .error(error))
                found.append("the start-up check of the store could not finish: \(error)")
            }
        }
        let cancelled = isCancelled
        progress.withLock { state in
            state.problems = found
            state.running = false
            state.done = true
        }
        if !cancelled {
            site.logger.info(
                "store.checked",
                metadata: [
                    "problems": "\(found.count)", "audit.entries": "\(entries)",
                    "elapsed_ms": "\(Int(Date().timeIntervalSince(started) * 1000))",
                ])
        }
    }
}
