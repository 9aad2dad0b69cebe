import CairnModel
import CairnProtocol
import CairnTrust
import Foundation
import NIOPosix

extension PeerLink {
    /// Freshly stored deltas (from any thread; queued on the loop): those of levels this peer
    /// may see go out at once.
    func push(_ positions: [(stream: StreamID, sequence: UInt64)]) {
        onLoop {
            let limits = self.context.limits
            let queued = self.state.withValue { state -> Bool in
                guard let peer = state.peer, let session = state.session, var outbox = state.outbox else { return false }
                var any = false
                // Only what the peer can place: it holds (or is being sent) the stream up to not
                // far below. A delta far ahead of what it is known to hold would wait in its
                // bounded buffer or be refused as a gap; the next round sends the whole range in
                // order.
                guard session.peer.hasVector else { return false }
                let reach = UInt64(limits.maxDeltasPerBatch * limits.maxUnackedBatches)
                for (stream, sequence) in positions where stream.author != peer.deviceID {
                    guard sequence <= session.peer.sequence(of: stream) + reach else { continue }
                    if outbox.push(stream: stream, sequence: sequence, peer: session.peer) { any = true }
                }
                state.outbox = outbox
                return any
            }
            guard queued else { return }
            self.publish()
            self.pump()
        }
    }

    /// Moves batches from the outbox to the channel while the peer keeps up (at most
    /// `maxUnackedBatches` unacknowledged). From any thread; runs on the loop.
    ///
    /// The outbox never leaves the loop. A batch is built there from deltas already read; what
    /// it lacks is read on the thread pool by running `DeltaOutbox.nextBatch` on a copy of the
    /// outbox against the store (so the reads are those the batch needs, and no more than a
    /// batch can take: see `BatchReads`), and the batch is built again on the loop when the
    /// reads are back. Only a batch built on the loop from
    /// what was read changes the outbox; if the outbox moved meanwhile (an ack, a push), what
    /// the new batch still lacks is read the same way.
    func pump() {
        onLoop {
            let start = self.state.withValue { state -> Bool in
                guard !state.pumping, state.reconcile.certificatesSettled, let outbox = state.outbox, !outbox.isIdle else {
                    return false
                }
                state.pumping = true
                return true
            }
            if start { self.buildBatch(BatchReads()) }
        }
    }

    /// One step of the pump (on the loop, `pumping` set).
    private func buildBatch(_ reads: BatchReads) {
        guard channel.isActive else { return stopPumping() }
        let attempt = state.withValue { state -> (built: BatchReads.Built?, outbox: DeltaOutbox, peer: PeerKnowledge)? in
            guard var outbox = state.outbox, let session = state.session else { return nil }
            let start = outbox
            guard let built = reads.build(&outbox, peer: session.peer) else { return (nil, start, session.peer) }
            state.outbox = outbox
            return (built, outbox, session.peer)
        }
        guard let attempt else { return stopPumping() }
        guard let built = attempt.built else { return read(for: attempt.outbox, peer: attempt.peer, after: reads) }
        guard let frame = built.frame else { return stopPumping() }
        let unsent = state.withValue { state -> Set<DeviceID> in
            for (level, count) in built.readByLevel { state.sentByLevel[level, default: 0] += count }
            state.lastFrameSentAt = Date()
            if state.waitingForAckSince == nil { state.waitingForAckSince = Date() }
            let unsent = built.authors.subtracting(state.certificatesSent)
            state.certificatesSent.formUnion(unsent)
            return unsent
        }
        publish()
        if let trust = reads.trust, trust.objects.mark.isAhead(of: state.value.trustSent) {
            sendTrust(trust.objects, after: trust.after)
        }
        // The receiver verifies each delta against its author's certificate: send any it may
        // not have first (frames are handled in order).
        if !unsent.isEmpty { send(.certificates(unsent.compactMap { reads.certificates[$0]?.signed.serialized() })) }
        if case .deltas(let batch, let envelopes) = frame {
            logger.debug("sync.batch_sent", metadata: ["peer": "\(name)", "batch": "\(batch)", "deltas": "\(envelopes.count)"])
            context.metrics.count("cairn_sync_deltas_sent_total", [("peer", name)], by: envelopes.count)
        }
        send(frame)
        buildBatch(BatchReads())
    }

    /// Reads what the next batch from `outbox` needs on the thread pool (see
    /// `BatchReads.prepare`), and the certificates of its authors not yet sent; the pump goes on
    /// with them on the loop.
    private func read(for outbox: DeltaOutbox, peer: PeerKnowledge, after reads: BatchReads) {
        let sent = state.value.certificatesSent, trustSent = state.value.trustSent, known = state.value.peerCharterVersion
        let site = self.site, loop = eventLoop
        context.threadPool.submit { poolState in
            guard case .active = poolState else {
                loop.execute { self.stopPumping() }
                return
            }
            let result = Result { () throws -> BatchReads in
                var reads = reads
                let authors = try reads.prepare(outbox, peer: peer) { try site.deltas(of: $0, from: $1, limit: $2) }
                reads.add(certificates: site.certificates(of: authors.subtracting(sent)))
                // An amendment or revocation taken since the link last sent trust objects goes
                // before these deltas, which may hold the grants it caused.
                if site.trustMark().isAhead(of: trustSent) { reads.trust = (try site.trust(after: known), known) }
                return reads
            }
            loop.execute {
                switch result {
                case .success(let reads):
                    self.buildBatch(reads)
                case .failure(let error):
                    // The store could not be read: the link fails instead of going quiet with
                    // the outbox stuck (nothing would ever send these deltas on this link again).
                    self.stopPumping()
                    self.storeFailed("read", error)
                }
            }
        }
    }

    private func stopPumping() {
        state.value.pumping = false
        publish()
    }
}
