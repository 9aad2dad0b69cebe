import CairnModel
import CairnProtocol
import Foundation

/// What a link remembers of the audit heads it exchanged.
struct AuditHeadsLinkState: Sendable {
    /// The peer's `Hello` announced `SyncFrame.auditHeadsFeature` (an older peer would refuse
    /// the frame as malformed and close the connection).
    var peerUnderstands = false
    /// The sequence numbers last sent (own, yours) and when.
    var sentOwn: UInt64 = 0
    var sentYours: UInt64 = 0
    var sentAt: Date?
    /// When the peer's recent `AuditHeads` frames arrived (the flooding bound).
    var received: [Date] = []
}

extension PeerLink {
    /// Least time between two `AuditHeads` frames sent on one link (after the first).
    static let auditHeadsInterval: TimeInterval = 5
    /// Most `AuditHeads` frames accepted from a peer in a minute: an honest one sends at most 12.
    static let maxAuditHeadsPerMinute = 30

    /// Sends this site's signed head and the peer's head held, to a peer that understands them:
    /// at once after admission (`force`), later when either moved and the interval has passed.
    func sendAuditHeads(force: Bool) {
        guard let peer else { return }
        let (own, yours) = site.audit.auditHeads(for: peer)
        guard own != nil || yours != nil else { return }
        let due = state.withLock { state -> Bool in
            guard state.auditHeads.peerUnderstands else { return false }
            var heads = state.auditHeads
            let moved = heads.sentOwn != own?.seq ?? 0 || heads.sentYours != yours?.seq ?? 0
            let rested = heads.sentAt.map { Date().timeIntervalSince($0) >= Self.auditHeadsInterval } ?? true
            guard force || (moved && rested) else { return false }
            heads.sentOwn = own?.seq ?? 0
            heads.sentYours = yours?.seq ?? 0
            heads.sentAt = Date()
            state.auditHeads = heads
            return true
        }
        if due { send(.auditHeads(own: own, yours: yours)) }
    }

    /// The peer's audit heads (on the event loop): bounded in rate here, checked and kept on
    /// the link's store queue. A forged head, or another device's passed off, is refused.
    func receiveAuditHeads(own: AuditHead?, yours: AuditHead?) {
        guard let peer else { return }
        let flooding = state.withLock { state -> Bool in
            let now = Date()
            state.auditHeads.received.removeAll { now.timeIntervalSince($0) >= 60 }
            state.auditHeads.received.append(now)
            return state.auditHeads.received.count > Self.maxAuditHeadsPerMinute
        }
        guard !flooding else {
            refuse("sent more than \(Self.maxAuditHeadsPerMinute) audit heads within a minute", code: "flooding")
            return
        }
        serially {
            do throws(AuditService.AuditHeadRefusal) {
                try self.site.audit.receiveAuditHeads(own: own, yours: yours, from: peer)
            } catch {
                self.refuse(error.message, code: error.code)
            }
        }
    }

    /// When the link closes: the peer's newest head is written to the store if it is not yet.
    func flushAuditWitness() {
        guard let peer else { return }
        context.threadPool.submit { _ in self.site.audit.flushWitnessed(peer.deviceID) }
    }
}
