import CairnModel
import CairnProtocol
import CairnStore
import CairnTrust
import Foundation
import NIOCore

/// The mutable part of a link, guarded by the link's mutex.
struct LinkState: Sendable {
    var peer: DeviceCertificate?
    /// The charter version the peer holds, as far as we know (its Hello, then what we sent).
    var peerCharterVersion: UInt64 = 0
    var session: ReconciliationSession?
    var commonLevels: Set<String> = []
    var outbox: DeltaOutbox?
    /// Deltas sent per level (counted when read from the store for a batch).
    var sentByLevel: [String: UInt64] = [:]
    /// A thread is moving batches from the outbox to the channel.
    var pumping = false
    var bytesSent: UInt64 = 0
    var bytesReceived: UInt64 = 0
    var deltasReceived: UInt64 = 0
    var duplicatesReceived: UInt64 = 0
    var refusedReceived: UInt64 = 0
    var receivedByLevel: [String: UInt64] = [:]
    var lastRoundAt: Date?
    var lastFrameSentAt = Date()
    /// Since when the peer has had batches to acknowledge without acknowledging any (nil when
    /// nothing is in flight): the acknowledgement timeout runs from here.
    var waitingForAckSince: Date?
    /// When the last `sync.catching_up` line was logged (a long catch-up logs every 10 s).
    var lastProgressLogAt = Date()
    /// Frames received and waiting for the store.
    var inboundQueued = 0
    /// Authors whose certificates were sent on this link (each is sent before its first delta).
    var certificatesSent: Set<DeviceID> = []
    /// Why the connection was closed by either side, when known.
    var closeReason: String?
    /// Rounds that callers of `cairn sync --wait` wait for, by round id.
    var roundWaiters: [UInt64: [@Sendable (Bool) -> Void]] = [:]
    /// The audit heads exchanged on this link.
    var auditHeads = AuditHeadsLinkState()

    init() {}
}

extension PeerLink {
    /// The current vector over the levels this peer may see.
    func localVector(_ common: Set<String>) -> [StreamPosition] {
        site.ledger.read { state in
            state.streams.compactMap { stream, head in
                common.contains(stream.level)
                    ? StreamPosition(author: stream.author, level: stream.level, sequence: head.sequence, head: head.deltaID) : nil
            }
        }.sorted()
    }

    /// Starts a reconciliation round; `done` (if any) learns when it ends (true) or the link
    /// closes first (false).
    @discardableResult
    func startRound(done: (@Sendable (Bool) -> Void)? = nil) -> Bool {
        let common = state.withLock { $0.commonLevels }
        let local = localVector(common)
        let started = state.withLock { state -> Result<[SyncFrame], SyncError>? in
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
            return false
        }
        for frame in frames { send(frame) }
        return true
    }

    /// A summary, agreement or vector from the peer.
    func handleRound(_ frame: SyncFrame) {
        let common = state.withLock { $0.commonLevels }
        let local = localVector(common)
        let result = state.withLock { state -> Result<SessionOutput, SyncError>? in
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
            if case .vector(_, let positions, _) = frame, let peer { site.bundles.rememberVector(positions, of: peer.deviceID) }
            for reply in output.frames { send(reply) }
            for evidence in output.equivocations {
                logger.error(
                    "sync.equivocation_seen",
                    metadata: ["peer": "\(name)", "stream": "\(evidence.stream)", "sequence": "\(evidence.sequence)"])
                context.metrics.count("cairn_sync_equivocations_total")
            }
            for event in output.events {
                guard case .roundCompleted(let report) = event else { continue }
                state.withLock { $0.lastRoundAt = Date() }
                context.metrics.count("cairn_sync_rounds_total", [("peer", name), ("in_sync", report.inSync ? "true" : "false")])
                context.metrics.count("cairn_sync_round_bytes_total", [("peer", name)], by: report.bytes)
                if report.round.origin == RoundOrigin.local { finishRound(report.round.number, success: true) }
            }
            pump()
        }
    }

    func finishRound(_ round: UInt64?, success: Bool) {
        let waiters = state.withLock { state -> [@Sendable (Bool) -> Void] in
            guard let round else { return [] }
            return state.roundWaiters.removeValue(forKey: round) ?? []
        }
        for waiter in waiters { waiter(success) }
    }

    /// Called when the link closes: everyone waiting learns the round did not finish.
    func closed() {
        flushAuditWitness()
        let waiters = state.withLock { state -> [@Sendable (Bool) -> Void] in
            defer { state.roundWaiters = [:] }
            return state.roundWaiters.values.flatMap { $0 }
        }
        for waiter in waiters { waiter(false) }
    }

    /// Freshly stored deltas: those of levels this peer may see go out at once.
    func push(_ positions: [(stream: StreamID, sequence: UInt64)]) {
        let queued = state.withLock { state -> Bool in
            guard let peer = state.peer, let session = state.session, var outbox = state.outbox else { return false }
            var any = false
            // Only what the peer can place: it holds (or is being sent) the stream up to not far
            // below. A delta far ahead of what it is known to hold would wait in its bounded
            // buffer or be refused as a gap; the next round sends the whole range in order.
            guard session.peer.hasVector else { return false }
            let reach = UInt64(context.limits.maxDeltasPerBatch * context.limits.maxUnackedBatches)
            for (stream, sequence) in positions where stream.author != peer.deviceID {
                guard sequence <= session.peer.sequence(of: stream) + reach else { continue }
                if outbox.push(stream: stream, sequence: sequence, peer: session.peer) { any = true }
            }
            state.outbox = outbox
            return any
        }
        if queued { pump() }
    }

    /// Moves batches from the outbox to the channel while the peer keeps up (at most
    /// `maxUnackedBatches` unacknowledged). Store reads run on the thread pool.
    func pump() {
        let start = state.withLock { state -> Bool in
            guard !state.pumping, let outbox = state.outbox, !outbox.isIdle else { return false }
            state.pumping = true
            return true
        }
        guard start else { return }
        context.threadPool.submit { _ in
            let database = self.site.database
            while true {
                let next: Result<(SyncFrame, Set<DeviceID>), any Error>? = self.state.withLock { state in
                    guard var outbox = state.outbox, let session = state.session else {
                        state.pumping = false
                        return nil
                    }
                    var fetchedByLevel: [String: UInt64] = [:]
                    var authors: Set<DeviceID> = []
                    let frame: SyncFrame?
                    do {
                        frame = try outbox.nextBatch(peer: session.peer) { stream, from, limit in
                            let rows = try database.deltas(author: stream.author.bytes, level: stream.level, fromSequence: from, limit: limit)
                            fetchedByLevel[stream.level, default: 0] += UInt64(rows.count)
                            if !rows.isEmpty { authors.insert(stream.author) }
                            return rows.map { (sequence: $0.sequence, envelope: $0.envelope) }
                        }
                    } catch {
                        // A failed fetch leaves the outbox as it was (it plans, then commits).
                        state.pumping = false
                        return .failure(error)
                    }
                    state.outbox = outbox
                    guard let built = frame else {
                        state.pumping = false
                        return nil
                    }
                    for (level, count) in fetchedByLevel { state.sentByLevel[level, default: 0] += count }
                    state.lastFrameSentAt = Date()
                    if state.waitingForAckSince == nil { state.waitingForAckSince = Date() }
                    let unsent = authors.subtracting(state.certificatesSent)
                    state.certificatesSent.formUnion(unsent)
                    return .success((built, unsent))
                }
                guard let next else { break }
                guard case .success(let (frame, unsent)) = next else {
                    // The store could not be read: the link fails instead of going quiet with
                    // the outbox stuck (nothing would ever send these deltas on this link again).
                    if case .failure(let error) = next { self.storeFailed("read", error) }
                    break
                }
                // The receiver verifies each delta against its author's certificate: send any
                // it may not have first (frames are handled in order).
                if !unsent.isEmpty {
                    let certificates = self.site.ledger.read { state in
                        unsent.compactMap { state.devices.certificate($0)?.signed.serialized() }
                    }
                    self.send(.certificates(certificates))
                }
                if case .deltas(let batch, let envelopes) = frame {
                    self.logger.debug("sync.batch_sent", metadata: ["peer": "\(self.name)", "batch": "\(batch)", "deltas": "\(envelopes.count)"])
                    self.context.metrics.count("cairn_sync_deltas_sent_total", [("peer", self.name)], by: envelopes.count)
                }
                self.send(frame)
            }
        }
    }

    /// Keeps a quiet connection alive (and in sync): a round when nothing was sent for a while.
    func keepAlive(after interval: TimeInterval) {
        sendAuditHeads(force: false)
        let quiet = state.withLock { Date().timeIntervalSince($0.lastFrameSentAt) > interval }
        if quiet { startRound() }
    }

    /// Refuses a peer that has held batches unacknowledged for `timeout` while it keeps the
    /// connection alive otherwise (a peer that stops reading but still writes): its window
    /// and connection slot are not held forever.
    func checkAcknowledgements(timeout: TimeInterval) {
        let overdue = state.withLock { state -> Int? in
            guard let since = state.waitingForAckSince, let outbox = state.outbox, outbox.unacknowledgedBatches > 0,
                Date().timeIntervalSince(since) > timeout
            else { return nil }
            return outbox.unacknowledgedBatches
        }
        if let overdue {
            refuse("\(overdue) batches unacknowledged for over \(Int(timeout)) s", code: "ack_timeout")
        }
    }
}
