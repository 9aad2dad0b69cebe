import CairnModel
import CairnProtocol
import Foundation

extension PeerLink {
    /// A session over stream heads is finished (on the loop): what the peer lacks goes to its
    /// outbox, what it holds becomes what is known of it, equivocations are reported, and the
    /// round counts as a round.
    func finishReconcile(_ key: ReconcileKey) {
        struct Finished {
            var comparison: StreamHeadComparison
            var peerVector: [StreamPosition]
            var run: ReconcileRun
            var stats: ReconcileStats
            var inSync: Bool
        }
        let finished = state.withValue { state -> Finished? in
            guard let run = state.reconcile.runs.removeValue(forKey: key), let reconcile = run.session,
                let outcome = reconcile.outcome, let items = run.items, var session = state.session, var outbox = state.outbox
            else { return nil }
            let (comparison, peerVector) = session.finishReconcile(items: items, outcome: outcome)
            outbox.enqueue(comparison.ranges, peer: session.peer)
            state.session = session
            state.outbox = outbox
            state.lastRoundAt = Date()
            return Finished(
                comparison: comparison, peerVector: peerVector, run: run, stats: reconcile.stats,
                inSync: outcome.differences.isEmpty)
        }
        guard let finished else { return }
        if let peer = state.value.peer { site.rememberVector(finished.peerVector, of: peer.deviceID) }
        for evidence in finished.comparison.equivocations {
            logger.error(
                "sync.equivocation_seen", metadata: ["peer": "\(name)", "stream": "\(evidence.stream)", "sequence": "\(evidence.sequence)"])
            context.metrics.count("cairn_sync_equivocations_total")
        }
        let bytes = finished.stats.bytesSent + finished.stats.bytesReceived + finished.run.framing
        context.metrics.count("cairn_sync_rounds_total", [("peer", name), ("in_sync", finished.inSync ? "true" : "false")])
        context.metrics.count("cairn_sync_round_bytes_total", [("peer", name)], by: bytes)
        context.metrics.count("cairn_sync_reconcile_sessions_total", [("role", key.ours ? "initiator" : "responder")])
        for waiter in finished.run.waiters { waiter(true) }
        publish()
        pump()
    }

    /// Sessions failed (on the loop; `keys` are every session of the link when the message
    /// could not even be routed): they are dropped, audited when the peer caused it, and a
    /// whole-vector round of ours follows, which always works. The peer's failures count
    /// against the rate of its rounds (as a `Summary` does), so a peer cannot make this site
    /// start whole-vector rounds at will.
    func reconcileFailed(_ error: ReconcileError, keys: [ReconcileKey]) {
        let waiters = keys.flatMap { dropReconcile($0) }
        context.metrics.count("cairn_sync_reconcile_failures_total", [("reason", error.code)])
        if error.isLocal {
            logger.error("sync.reconcile_failed", metadata: .error(error, ["peer": "\(name)"]))
        } else {
            logger.warning("sync.reconcile_failed", metadata: .error(error, ["peer": "\(name)"]))
            if let peer = state.value.peer {
                context.auditor.append("sync.reconcile_failed", actor: "peer:\(peer.ref)", detail: ["reason": error.code, "detail": "\(error)"])
            }
            let flooding = state.withValue { state -> SyncError? in
                guard var session = state.session else { return nil }
                defer { state.session = session }
                do throws(SyncError) {
                    try session.notePeerSession(at: .now)
                    return nil
                } catch {
                    return error
                }
            }
            if let flooding {
                for waiter in waiters { waiter(false) }
                refuse("round refused: \(flooding)", code: "flooding")
                return
            }
        }
        if waiters.isEmpty {
            startWholeVectorRound(done: nil)
        } else {
            startWholeVectorRound(done: { @Sendable success in for waiter in waiters { waiter(success) } })
        }
    }

    /// Forgets a session (on the loop) and returns who waited for it.
    @discardableResult
    func dropReconcile(_ key: ReconcileKey) -> [@Sendable (Bool) -> Void] {
        state.withValue { $0.reconcile.runs.removeValue(forKey: key)?.waiters ?? [] }
    }
}
