import CairnModel
import CairnProtocol
import CairnTestSupport
import CairnTrust

/// What an honest peer does with a daemon's frames: answers its rounds with the vector of what
/// it holds, keeps each stream's contiguous prefix of the deltas it is sent, and acknowledges
/// every batch with exact counts. Without it the daemon would only ever send a summary; with it
/// the daemon sends everything the peer lacks, which is what a need-to-know test must watch.
struct TestPeerReplica: Sendable {
    /// The levels both sides may see; nil until the daemon's Hello told its clearance.
    private(set) var commonLevels: Set<String>?
    private var session: ReconciliationSession?
    /// The head of every stream held.
    private(set) var heads: [StreamID: StreamPosition] = [:]
    /// Envelopes stored, in arrival order.
    private(set) var stored: [[UInt8]] = []
    /// Protocol errors the session raised (a vector naming a level not common, flooding…).
    private(set) var errors: [String] = []
    let ownClearance: String

    init(ownClearance: String) {
        self.ownClearance = ownClearance
    }

    /// Handles one decoded frame from the daemon; returns the frames to answer with.
    mutating func handle(_ frame: SyncFrame) -> [SyncFrame] {
        switch frame {
        case .hello(let hello):
            startSession(daemonCertificate: hello.certificate)
            return []
        case .summary, .agree, .vector:
            guard var session else { return [] }
            do {
                let output = try session.receive(frame, local: heads.values.sorted(), now: .now)
                self.session = session
                return output.frames
            } catch {
                errors.append("\(frame.kind): \(error)")
                return []
            }
        case .deltas(let batch, let envelopes):
            return [.ack(store(batch: batch, envelopes))]
        case .reconcile:
            // The test peer announces protocol 1 only: the daemon must not send this.
            errors.append("reconcile: sent to a peer that did not announce protocol 2")
            return []
        case .ack, .certificates, .goodbye, .trust, .auditHeads, .earlyGrants:
            // Early grants come again in their stream: the replica takes keys from there.
            return []
        }
    }

    private mutating func startSession(daemonCertificate: [UInt8]) {
        let levels = Federation.levels
        var ceiling = ownClearance
        if let signed = try? SignedObject.parse(bytes: daemonCertificate, kind: .certificate),
            let certificate = try? DeviceCertificate.verifyIgnoringTime(signed, charter: TestKeys.charter()),
            !Federation.isCleared(certificate.clearance, for: ceiling)
        {
            ceiling = certificate.clearance
        }
        let common = Set(levels.filter { Federation.isCleared(ceiling, for: $0) })
        commonLevels = common
        session = ReconciliationSession(commonLevels: common)
    }

    /// Keeps each stream's prefix: the next delta of a stream is stored, one already held is a
    /// duplicate, one further ahead waits (it is counted pending and dropped: the daemon sends
    /// streams in order, so this only happens when something was lost).
    private mutating func store(batch: UInt64, _ envelopes: [[UInt8]]) -> AckCounts {
        var counts = AckCounts(batch: batch)
        for envelope in envelopes {
            guard let delta = try? SealedDelta.parse(envelope) else {
                counts.refused += 1
                continue
            }
            let stream = delta.header.stream
            let head = heads[stream]
            let held = head?.sequence ?? 0
            if delta.header.sequence <= held {
                counts.duplicate += 1
            } else if delta.header.sequence == held + 1, delta.header.previous == (head?.head ?? []) {
                heads[stream] = StreamPosition(
                    stream: stream, head: StreamHead(sequence: delta.header.sequence, deltaID: delta.id))
                stored.append(envelope)
                counts.stored += 1
            } else {
                counts.pending += 1
            }
        }
        return counts
    }
}
