import Foundation
import Logging
import NIOCore
import NIOPosix
import Synchronization

/// Appends audit entries for code that runs on an event loop, where the append itself (a group
/// commit, waited for) may not run: the write goes to the thread pool, and a failure there is
/// logged and counted (`cairn_audit_failures_total`) instead of vanishing.
///
/// What admitted peers and local callers cause is written one entry per event (`append`). What
/// strangers cause goes through an `AuditAggregator` (`stranger`): one entry per kind, reason
/// and source per interval, carrying the count, so that a flood cannot fill the disk through the
/// log; the exact counts are in `cairn_audit_aggregated_events_total`. A repeating task writes
/// the counts whose interval has passed, and `flush` writes the rest at shutdown.
final class Auditor: Sendable {
    private let site: Site
    private let threadPool: NIOThreadPool
    private let aggregator: Mutex<AuditAggregator>
    private let clock: @Sendable () -> Int64
    private let ticker = Mutex<RepeatedTask?>(nil)

    init(
        site: Site, threadPool: NIOThreadPool, aggregator: AuditAggregator = AuditAggregator(),
        clock: @escaping @Sendable () -> Int64 = { Int64(Date().timeIntervalSince1970 * 1000) }
    ) {
        self.site = site
        self.threadPool = threadPool
        self.aggregator = Mutex(aggregator)
        self.clock = clock
    }

    private var logger: Logger { site.logger }

    /// One entry for one event, written on the thread pool.
    func append(_ kind: String, actor: String, detail: [String: String]) {
        write([AuditAggregator.Entry(kind: kind, actor: actor, detail: detail)])
    }

    /// An event that a stranger caused (or a device before it was admitted), from `source` (see
    /// `AdmissionSource`): counted exactly in the metrics, aggregated in the log. `detail` is an
    /// example kept in the entry; it must not carry anything the peer chose unfiltered.
    func stranger(_ kind: String, reason: String, source: String, detail: String? = nil) {
        site.metrics.count("cairn_audit_aggregated_events_total", [("kind", kind), ("reason", reason)])
        let now = clock()
        let entry = aggregator.withLock { $0.record(kind: kind, reason: reason, source: source, detail: detail, now: now) }
        if let entry { write([entry]) }
    }

    /// Writes the aggregated counts that are due every `every` on `loop` (until `flush`).
    func start(on loop: any EventLoop, every: TimeAmount = .seconds(5)) {
        let task = loop.scheduleRepeatedTask(initialDelay: every, delay: every) { [self] _ in
            let now = clock()
            let entries = aggregator.withLock { $0.due(now: now) }
            if !entries.isEmpty { write(entries) }
        }
        ticker.withLock { $0 = task }
    }

    /// Stops the ticks and writes every pending count now, returning once they are written (or
    /// failed: logged and counted). Events after this are still counted in the metrics; the
    /// first of each key is still written, the rest are not.
    func flush() async {
        ticker.withLock { state in
            state?.cancel()
            state = nil
        }
        let entries = aggregator.withLock { $0.flush() }
        for entry in entries {
            do {
                try await threadPool.runIfActive { [site] in try site.audit.audit(entry.kind, actor: entry.actor, detail: entry.detail) }
            } catch {
                failed(entry, error)
            }
        }
    }

    private func write(_ entries: [AuditAggregator.Entry]) {
        threadPool.submit { [self] state in
            guard case .active = state else {
                for entry in entries { failed(entry, NIOThreadPoolError.ThreadPoolInactive()) }
                return
            }
            for entry in entries {
                do {
                    try site.audit.audit(entry.kind, actor: entry.actor, detail: entry.detail)
                } catch {
                    failed(entry, error)
                }
            }
        }
    }

    private func failed(_ entry: AuditAggregator.Entry, _ error: any Error) {
        site.metrics.count("cairn_audit_failures_total", [("kind", entry.kind)])
        logger.error("audit.append_failed", metadata: .error(error, ["audit.kind": "\(entry.kind)"]))
    }
}
