import CairnModel
import CairnProtocol
import CairnTrust
import Foundation

extension PeerLink {
    /// A session is finished (on the loop).
    func finishReconcile(_ key: ReconcileKey) {
        switch state.value.reconcile.runs[key]?.items {
        case .certificates?: finishCertificates(key)
        case .streamHeads?: finishStreamHeads(key)
        case nil: return
        }
    }

    /// A session over certificates is finished: the peer is sent those it lacks or holds in an
    /// older version, and is known to hold the rest of ours, so that no batch sends them again.
    private func finishCertificates(_ key: ReconcileKey) {
        let finished = state.withValue { state -> (send: [DeviceCertificate], stats: ReconcileStats, framing: Int)? in
            guard let run = state.reconcile.runs.removeValue(forKey: key), let reconcile = run.session,
                let outcome = reconcile.outcome, case .certificates(let items)? = run.items
            else { return nil }
            let send = items.toSend(outcome).filter { !state.certificatesSent.contains($0.deviceID) }
            state.certificatesSent.formUnion(items.certificates.values.map(\.deviceID))
            state.certificatesSent.insert(site.deviceID)
            state.reconcile.certificatesSettled = true
            return (send, reconcile.stats, run.framing)
        }
        guard let finished else { return }
        if !finished.send.isEmpty { send(.certificates(finished.send.map { $0.signed.serialized() })) }
        let bytes = finished.stats.bytesSent + finished.stats.bytesReceived + finished.framing
        logger.debug(
            "sync.certificates_reconciled",
            metadata: ["peer": "\(name)", "sent": "\(finished.send.count)", "bytes": "\(bytes)"])
        context.metrics.count("cairn_sync_reconcile_sessions_total", [("role", key.ours ? "initiator" : "responder")])
        context.metrics.count("cairn_sync_certificates_sent_total", [("peer", name)], by: finished.send.count)
        pump()
    }

    /// The fallback of the session over certificates (on the loop; its failure, or no finished
    /// session in `certificateSessionTimeout`): every certificate the peer may be given is
    /// sent, as a peer of protocol 1 is sent them at admission. Once only.
    func settleCertificatesByFallback() {
        guard !state.value.reconcile.certificatesSettled, let peer = state.value.peer else { return }
        state.value.reconcile.certificatesSettled = true
        dropReconcile(ReconcileKey(set: .certificates, ours: true))
        dropReconcile(ReconcileKey(set: .certificates, ours: false))
        let site = self.site, levels = state.value.commonLevels
        // On the serial queue: after any store work of the admission, as at admission.
        offLoop({ site.certificates(sharedWith: peer, levels: levels) }) { result in
            guard case .success(let certificates) = result, self.state.value.closeReason == nil else { return }
            let unsent = certificates.filter { !self.state.value.certificatesSent.contains($0.deviceID) }
            self.state.value.certificatesSent.formUnion(certificates.map(\.deviceID))
            if !unsent.isEmpty { self.send(.certificates(unsent.map { $0.signed.serialized() })) }
            self.pump()
        }
    }

    /// A session over stream heads is finished: what the peer lacks goes to its outbox, what
    /// it holds becomes what is known of it, equivocations are reported, and the round counts
    /// as a round.
    private func finishStreamHeads(_ key: ReconcileKey) {
        struct Finished {
            var comparison: StreamHeadComparison
            var peerVector: [StreamPosition]
            var run: ReconcileRun
            var stats: ReconcileStats
            var inSync: Bool
        }
        let finished = state.withValue { state -> Finished? in
            guard let run = state.reconcile.runs.removeValue(forKey: key), let reconcile = run.session,
                let outcome = reconcile.outcome, case .streamHeads(let items)? = run.items, var session = state.session,
                var outbox = state.outbox
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
    ///
    /// While the certificates of the opening are not settled, any failure settles them by the
    /// fallback (all of them sent); a whole-vector round follows only when a session over
    /// stream heads was among those that failed, or the message could not be routed.
    func reconcileFailed(_ error: ReconcileError, keys: [ReconcileKey]) {
        let waiters = keys.flatMap { dropReconcile($0) }
        let round = keys.isEmpty || keys.contains { $0.set == .streamHeads }
        settleCertificatesByFallback()
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
        if !round {
            for waiter in waiters { waiter(true) }
        } else if waiters.isEmpty {
            startWholeVectorRound(done: nil)
        } else {
            startWholeVectorRound(done: { @Sendable success in for waiter in waiters { waiter(success) } })
        }
    }

    /// Ends the sessions open for longer than `timeout` (from any thread; on the loop): the
    /// peer stopped answering (it dropped the session after an error of its own, or a message
    /// was lost), so without this a session would stay open, and whoever waits for it would
    /// wait, until the link closed. Counted as `reason="timeout"` and logged, not audited (a
    /// slow link looks the same); ours over stream heads is replaced by a whole-vector round,
    /// whose end its waiters learn, and the certificates of an unsettled opening are sent.
    func checkReconcile(timeout: TimeInterval) {
        onLoop {
            let stalled = self.state.value.reconcile.runs.filter { Date().timeIntervalSince($0.value.openedAt) > timeout }.keys
            guard !stalled.isEmpty else { return }
            let waiters = stalled.flatMap { self.dropReconcile($0) }
            self.logger.warning(
                "sync.reconcile_stalled",
                metadata: ["peer": "\(self.name)", "sessions": "\(stalled.count)", "timeout_s": "\(Int(timeout))"])
            self.context.metrics.count("cairn_sync_reconcile_failures_total", [("reason", "timeout")], by: stalled.count)
            self.settleCertificatesByFallback()
            guard stalled.contains(ReconcileKey(set: .streamHeads, ours: true)) else { return }
            self.startWholeVectorRound(done: waiters.isEmpty ? nil : { @Sendable success in for waiter in waiters { waiter(success) } })
        }
    }

    /// Forgets a session (on the loop) and returns who waited for it.
    @discardableResult
    func dropReconcile(_ key: ReconcileKey) -> [@Sendable (Bool) -> Void] {
        state.withValue { $0.reconcile.runs.removeValue(forKey: key)?.waiters ?? [] }
    }
}
