import CairnModel
import CairnProtocol
import CairnTrust
import Foundation

extension PeerLink {
    /// The current vector over the levels this peer may see (on the loop: an in-memory read of
    /// the site's committed state).
    func localVector() -> [StreamPosition] {
        site.vector(levels: state.value.commonLevels)
    }

    /// Starts a reconciliation round (from any thread; on the loop); `done` (if any) learns when
    /// it ends (true) or that it could not start or the link closed first (false).
    func startRound(done: (@Sendable (Bool) -> Void)? = nil) {
        onLoop { self.startRoundOnLoop(opening: false, done: done) }
    }

    /// The round that opens a connection (on the loop), when differences are likely: its
    /// session opens eagerly (`ReconcileSession.Opening.eager`).
    func startOpeningRound() {
        startRoundOnLoop(opening: true, done: nil)
    }

    /// A reconcile session when both sides speak protocol 2, else a whole-vector round.
    private func startRoundOnLoop(opening: Bool, done: (@Sendable (Bool) -> Void)?) {
        if state.value.reconcile.enabled {
            startReconcile(opening: opening ? .eager : .fingerprint, done: done)
        } else {
            startWholeVectorRound(done: done)
        }
    }

    /// Sends a `Summary` (on the loop): the round of protocol 1, and protocol 2's fallback.
    func startWholeVectorRound(done: (@Sendable (Bool) -> Void)?) {
        let local = localVector()
        let started = state.withValue { state -> Result<[SyncFrame], SyncError>? in
            guard var session = state.session else { return nil }
            let output: SessionOutput
            do throws(SyncError) {
                output = try session.startRound(local: local)
            } catch {
                return .failure(error)
            }
            state.session = session
            if let done, let round = session.openRound { state.roundWaiters[round, default: []].append(done) }
            state.lastFrameSentAt = Date()
            return .success(output.frames)
        }
        guard case .success(let frames)? = started else {
            if case .failure(let error)? = started {
                // Only our own vector can make a round fail to start (too many streams for one
                // frame): not the peer's doing, so the link stays; counted and logged.
                logger.error("sync.round_failed", metadata: .error(error, ["peer": "\(name)"]))
                context.metrics.count("cairn_sync_round_failures_total", [("reason", "local_limit")])
            }
            done?(false)
            return
        }
        for frame in frames { send(frame) }
    }

    /// A summary, agreement or vector from the peer (on the loop).
    func handleRound(_ frame: SyncFrame) {
        let local = localVector()
        let result = state.withValue { state -> Result<SessionOutput, SyncError>? in
            guard var session = state.session, var outbox = state.outbox else { return nil }
            do throws(SyncError) {
                let output = try session.receive(frame, local: local, now: .now)
                outbox.enqueue(output.ranges, peer: session.peer)
                state.session = session
                state.outbox = outbox
                if !output.frames.isEmpty { state.lastFrameSentAt = Date() }
                return .success(output)
            } catch {
                return .failure(error)
            }
        }
        switch result {
        case nil:
            return
        case .failure(let error)? where error.isLocalLimit:
            // Our own vector cannot be sent (too many streams for one frame): not the peer's fault.
            logger.error("sync.round_failed", metadata: .error(error, ["peer": "\(name)"]))
            context.metrics.count("cairn_sync_round_failures_total", [("reason", "local_limit")])
        case .failure(let error)?:
            refuse("round refused: \(error)", code: error.isFlooding ? "flooding" : "round")
        case .success(let output)?:
            // Kept for air-gap bundles: what this peer held, should it become unreachable.
            if case .vector(_, let positions, _) = frame, let peer = state.value.peer { site.rememberVector(positions, of: peer.deviceID) }
            for reply in output.frames { send(reply) }
            for evidence in output.equivocations {
                logger.error(
                    "sync.equivocation_seen",
                    metadata: ["peer": "\(name)", "stream": "\(evidence.stream)", "sequence": "\(evidence.sequence)"])
                context.metrics.count("cairn_sync_equivocations_total")
            }
            for event in output.events {
                guard case .roundCompleted(let report) = event else { continue }
                state.value.lastRoundAt = Date()
                context.metrics.count("cairn_sync_rounds_total", [("peer", name), ("in_sync", report.inSync ? "true" : "false")])
                context.metrics.count("cairn_sync_round_bytes_total", [("peer", name)], by: report.bytes)
                if report.round.origin == RoundOrigin.local { finishRound(report.round.number, success: true) }
            }
            publish()
            pump()
        }
    }

    /// An acknowledgement of a batch we sent (on the loop): the window slot is free, and the pump
    /// runs again if more is queued.
    func receiveAck(_ counts: AckCounts) {
        let failure = state.withValue { state -> SyncError? in
            guard var outbox = state.outbox, var session = state.session else { return nil }
            let inFlightBefore = outbox.unacknowledgedBatches
            do throws(SyncError) {
                session.noteDelivered(try outbox.acknowledge(counts))
            } catch {
                return error
            }
            state.outbox = outbox
            state.session = session
            // Progress (a batch acknowledged, not a late or repeated ack): the timeout
            // restarts, or stops when nothing is left in flight.
            if outbox.unacknowledgedBatches < inFlightBefore {
                state.waitingForAckSince = outbox.unacknowledgedBatches > 0 ? Date() : nil
            }
            return nil
        }
        if let failure {
            refuse("bad acknowledgement: \(failure)", code: "protocol")
        } else {
            publish()
            pump()
        }
    }

    /// Tells whoever waits for our round `round` how it ended (on the loop).
    func finishRound(_ round: UInt64?, success: Bool) {
        let waiters = state.withValue { state -> [@Sendable (Bool) -> Void] in
            guard let round else { return [] }
            return state.roundWaiters.removeValue(forKey: round) ?? []
        }
        for waiter in waiters { waiter(success) }
    }

    /// Called when the link closes (on the loop): everyone waiting learns the round did not
    /// finish, and the peer's audit head is kept.
    func closed() {
        flushAuditWitness()
        let waiters = state.withValue { state -> [@Sendable (Bool) -> Void] in
            defer { state.roundWaiters = [:] }
            return state.roundWaiters.values.flatMap { $0 }
        }
        for waiter in waiters { waiter(false) }
    }

    /// Keeps a quiet connection alive (and in sync): a round when nothing was sent for a while.
    /// From any thread.
    func keepAlive(after interval: TimeInterval) {
        onLoop {
            self.sendAuditHeads(force: false)
            if Date().timeIntervalSince(self.state.value.lastFrameSentAt) > interval { self.startRoundOnLoop(opening: false, done: nil) }
        }
    }

    /// Refuses a peer that has held batches unacknowledged for `timeout` while it keeps the
    /// connection alive otherwise (a peer that stops reading but still writes): its window
    /// and connection slot are not held forever. From any thread.
    func checkAcknowledgements(timeout: TimeInterval) {
        onLoop {
            let overdue = self.state.withValue { state -> Int? in
                guard let since = state.waitingForAckSince, let outbox = state.outbox, outbox.unacknowledgedBatches > 0,
                    Date().timeIntervalSince(since) > timeout
                else { return nil }
                return outbox.unacknowledgedBatches
            }
            if let overdue {
                self.refuse("\(overdue) batches unacknowledged for over \(Int(timeout)) s", code: "ack_timeout")
            }
        }
    }
}
