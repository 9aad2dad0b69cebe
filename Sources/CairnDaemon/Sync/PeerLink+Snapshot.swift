import CairnModel
import CairnProtocol
import Foundation

/// What `status` and `cairn sync` report about one link.
struct LinkSnapshot: Sendable {
    var commonLevels: Set<String>
    var lacking: [String: UInt64]
    /// Per level, what the peer holds that this site does not yet (its catch-up still to come).
    var missing: [String: UInt64]
    var sentByLevel: [String: UInt64]
    var receivedByLevel: [String: UInt64]
    var deltasSent: UInt64
    var deltasReceived: UInt64
    var bytesSent: UInt64
    var bytesReceived: UInt64
    var lastRoundAt: Date?
}

extension PeerLink {
    /// What `status` shows of this link (from any thread): what the loop last published, and
    /// the site's vector now.
    func snapshot() -> LinkSnapshot {
        let copy = published.withLock { $0 }
        let local = site.vector(levels: copy.commonLevels)
        return LinkSnapshot(
            commonLevels: copy.commonLevels, lacking: copy.knowledge?.lacking(local: local, levels: copy.commonLevels) ?? [:],
            missing: copy.knowledge?.missing(local: local, levels: copy.commonLevels) ?? [:],
            sentByLevel: copy.sentByLevel, receivedByLevel: copy.receivedByLevel,
            deltasSent: copy.deltasSent, deltasReceived: copy.deltasReceived,
            bytesSent: bytesSent.load(ordering: .relaxed), bytesReceived: bytesReceived.load(ordering: .relaxed),
            lastRoundAt: copy.lastRoundAt)
    }
}
