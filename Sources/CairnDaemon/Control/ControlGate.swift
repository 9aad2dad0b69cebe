import Foundation
import Logging
import NIOCore
import NIOPosix
import Synchronization

/// What every control connection passes through, shared by all of them: the connection caps,
/// the caller's right (with supplementary groups looked up off the event loop), and the
/// aggregated record of refusals (metrics always; audit and log once per window).
final class ControlGate: Sendable {
    /// How long refusals of one kind, uid and reason are aggregated into one audit entry.
    static let refusalWindow: TimeAmount = .seconds(60)

    let limits: ControlLimits
    let timing: ControlConnectionStateMachine.Timing
    let authorizer: Authorizer
    let groups: PeerGroupCache
    let refusals = ControlRefusalTally()
    let site: Site
    let threadPool: NIOThreadPool
    let logger: Logger
    private let ledger: Mutex<ControlConnectionLedger>

    /// `limits` as the daemon runs them (already fitted to the open-file limit).
    init(limits: ControlLimits, authorizer: Authorizer, site: Site, threadPool: NIOThreadPool, logger: Logger, groups: PeerGroupCache? = nil) {
        self.limits = limits
        self.timing = ControlConnectionStateMachine.Timing(limits)
        self.authorizer = authorizer
        self.groups = groups ?? PeerGroupCache(threadPool: threadPool)
        self.site = site
        self.threadPool = threadPool
        self.logger = logger
        ledger = Mutex(ControlConnectionLedger(limits: limits, daemonUID: authorizer.daemonUID))
        site.metrics.gauge("cairn_control_connection_limit", [], Double(limits.maxConnections))
    }

    /// Takes a connection slot for the caller, or refuses (counted, and reported once per
    /// window).
    func admit(_ peer: PeerCredentials) -> ControlConnectionLedger.Refusal? {
        let (refusal, total) = ledger.withLock { ledger in (ledger.admit(uid: peer.uid), ledger.total) }
        if let refusal {
            refused(kind: "control.connection_refused", uid: peer.uid, reason: refusal.rawValue, metric: "cairn_control_connections_refused_total")
        } else {
            site.metrics.gauge("cairn_control_connections", [], Double(total))
        }
        return refusal
    }

    func release(_ peer: PeerCredentials) {
        let total = ledger.withLock { ledger in
            ledger.release(uid: peer.uid)
            return ledger.total
        }
        site.metrics.gauge("cairn_control_connections", [], Double(total))
    }

    /// The caller's right, completed on `eventLoop`; the group database is read only when the
    /// configuration names groups and the uid alone does not decide.
    func right(of peer: PeerCredentials, on eventLoop: any EventLoop) -> EventLoopFuture<AccessRight> {
        let authorizer = self.authorizer
        guard authorizer.needsGroups(peer) else {
            return eventLoop.makeSucceededFuture(authorizer.right(of: peer, groups: { [] }))
        }
        return groups.groups(of: peer, on: eventLoop).map { groups in authorizer.right(of: peer, groups: { groups }) }
    }

    /// Counts a refusal in `metric` (when given) and reports the first of its kind, uid and
    /// reason in this window at once: a log line and an audit entry written off the loop.
    func refused(kind: String, uid: UInt32, reason: String, metric: String? = nil, detail: [String: String] = [:]) {
        if let metric { site.metrics.count(metric, [("reason", reason)]) }
        let key = ControlRefusalTally.Key(kind: kind, uid: uid, reason: reason)
        guard refusals.record(key) else { return }
        logger.warning("\(kind)", metadata: ["caller.uid": "\(uid)", "reason": "\(reason)"])
        audit(kind: kind, actor: key.actor, detail: detail.isEmpty ? ["reason": reason, "count": "1"] : detail)
    }

    /// Ends the aggregation window: one audit entry (and one log line) per kind, uid and reason
    /// with the number of refusals that were only counted.
    func flushRefusals() {
        let seconds = String(Self.refusalWindow.nanoseconds / 1_000_000_000)
        for (key, count) in refusals.endWindow() {
            logger.notice("\(key.kind).aggregated", metadata: ["caller": "\(key.actor)", "reason": "\(key.reason)", "count": "\(count)"])
            let reasonKey = key.kind == "control.forbidden" ? "route" : "reason"
            audit(kind: key.kind, actor: key.actor, detail: [reasonKey: key.reason, "count": "\(count)", "window_seconds": seconds])
        }
    }

    private func audit(kind: String, actor: String, detail: [String: String]) {
        let site = self.site, logger = self.logger
        threadPool.submit { state in
            guard case .active = state else { return }
            do {
                try site.audit.audit(kind, actor: actor, detail: detail)
            } catch {
                logger.error("control.audit_failed", metadata: .error(error, ["audit.kind": "\(kind)"]))
            }
        }
    }

    /// The sentence a refused caller reads.
    func message(for refusal: ControlConnectionLedger.Refusal, uid: UInt32) -> String {
        switch refusal {
        case .tooManyForUID where uid == 0 || uid == authorizer.daemonUID:
            return "uid \(uid) already holds \(limits.maxConnectionsPerUID + limits.adminReserve) control connections, the most it may hold (control.max_connections_per_uid plus control.admin_reserve); close some and try again"
        case .tooManyForUID:
            return "uid \(uid) already holds \(limits.maxConnectionsPerUID) control connections, the most one uid may hold (control.max_connections_per_uid); close some and try again"
        case .tooManyConnections:
            return "the daemon holds \(limits.maxConnections) control connections or more, its limit (control.max_connections); try again shortly"
        }
    }
}
