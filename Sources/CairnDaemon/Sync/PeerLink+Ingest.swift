import CairnModel
import CairnProtocol
import CairnTrust
import Foundation

extension PeerLink {
    /// A `Deltas` frame (on the loop): verified on the serial queue, in arrival order, and
    /// queued on the ledger, which stores batches in that order while the queue verifies the
    /// next; the result comes back to the loop, which counts it and acknowledges the batch.
    func receiveDeltas(batch: UInt64, envelopes: [[UInt8]]) {
        guard let peer = state.value.peer else { return }
        let site = self.site, source = DeltaSource(name: "\(peer.ref)", clearance: peer.clearance)
        seriallyQueued({ done in site.ingest(envelopes, from: source, done: done) }) { result in
            switch result {
            case .failure(let error):
                // Unacknowledged, the batch would hold the peer's window forever: start over.
                self.storeFailed("ingest", error)
            case .success(let report):
                site.recordIngest(report, from: source)
                self.stored(report, batch: batch, from: peer)
            }
        }
    }

    /// An `EarlyGrants` frame (on the loop): grants the peer wrote for this site, ahead of their
    /// stream. Verified on the serial queue and queued on the ledger in arrival order, so the
    /// batches that follow are built with their keys. Nothing is acknowledged (the deltas come
    /// again in order); a hostile refusal ends the connection as for a batch.
    func receiveEarlyGrants(_ envelopes: [[UInt8]]) {
        guard let peer = state.value.peer else { return }
        let site = self.site, source = DeltaSource(name: "\(peer.ref)", clearance: peer.clearance)
        seriallyQueued({ done in site.takeEarlyGrants(envelopes, from: source, done: done) }) { result in
            switch result {
            case .failure(let error):
                self.storeFailed("early_grants", error)
            case .success(let report):
                site.recordIngest(report, from: source)
                if report.refusals.keys.contains(where: Self.hostileReasons.contains) {
                    self.refuse("sent early grants refused as \(report.refusals.keys.sorted().joined(separator: ", "))", code: "hostile_deltas")
                }
            }
        }
    }

    /// What became of a batch (on the loop): counted, noted as held by the peer, acknowledged.
    private func stored(_ report: IngestReport, batch: UInt64, from peer: DeviceCertificate) {
        state.withValue { state in
            state.deltasReceived += UInt64(report.stored + report.released)
            state.duplicatesReceived += UInt64(report.duplicate)
            state.refusedReceived += UInt64(report.refused)
            for (level, count) in report.storedByLevel { state.receivedByLevel[level, default: 0] += UInt64(count) }
        }
        publish()
        // The peer holds what it sent: none of it goes back, on any of its connections.
        for link in context.registry.links(of: peer.deviceID) { link.notePeerHolds(report.senderHolds) }
        logger.debug(
            "sync.batch_stored",
            metadata: [
                "peer": "\(name)", "batch": "\(batch)", "stored": "\(report.stored)", "duplicate": "\(report.duplicate)",
                "pending": "\(report.pending)", "refused": "\(report.refused)",
            ])
        logProgressIfDue()
        send(
            .ack(
                AckCounts(
                    batch: batch, stored: UInt32(report.stored), duplicate: UInt32(report.duplicate),
                    pending: UInt32(report.pending), refused: UInt32(report.refused))))
        // A peer that sends what it may not (above its clearance, forged, two histories of
        // its own stream) is refused; honest mistakes (unknown author, waiting) are not, nor
        // is relaying another author's equivocation (the relay may not have known).
        let ownEquivocation = report.equivocations.contains { $0.stream.author == peer.deviceID }
        if report.refused > 0, ownEquivocation || report.refusals.keys.contains(where: Self.hostileReasons.contains) {
            refuse("sent deltas refused as \(report.refusals.keys.sorted().joined(separator: ", "))", code: "hostile_deltas")
        }
    }

    /// The peer showed it holds these streams up to there (from any thread; applied on the loop).
    func notePeerHolds(_ holds: [StreamID: UInt64]) {
        guard !holds.isEmpty else { return }
        onLoop {
            self.state.withValue { state in
                for (stream, sequence) in holds { state.session?.notePeerHolds(stream, through: sequence) }
            }
            self.publish()
        }
    }

    /// During a long catch-up, logs every 10 seconds how much arrived from the peer and how
    /// much it showed it holds that this site still lacks (for the journal of an operator
    /// watching a first sync). On the loop.
    private func logProgressIfDue() {
        let due = state.withValue { state -> Bool in
            guard Date().timeIntervalSince(state.lastProgressLogAt) >= 10 else { return false }
            state.lastProgressLogAt = Date()
            return true
        }
        guard due else { return }
        let local = localVector()
        let (missing, received) = state.withValue { state in
            (state.session?.missing(local: local).values.reduce(0, +) ?? 0, state.deltasReceived)
        }
        guard missing > 0 else { return }
        logger.info("sync.catching_up", metadata: ["peer": "\(name)", "received": "\(received)", "missing": "\(missing)"])
    }
}
