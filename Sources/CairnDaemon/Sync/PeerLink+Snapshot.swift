import CairnModel
import CairnProtocol
import Foundation

/// What `status` and `cairn sync` report about one link.
struct LinkSnapshot: Sendable {
    var commonLevels: Set<String>
    var lacking: [String: UInt64]
    var sentByLevel: [String: UInt64]
    var receivedByLevel: [String: UInt64]
    var deltasSent: UInt64
    var deltasReceived: UInt64
    var bytesSent: UInt64
    var bytesReceived: UInt64
    var lastRoundAt: Date?
}

extension PeerLink {
    func snapshot() -> LinkSnapshot {
        let common = state.withLock { $0.commonLevels }
        let local = localVector(common)
        return state.withLock { state in
            LinkSnapshot(
                commonLevels: state.commonLevels, lacking: state.session?.lacking(local: local) ?? [:],
                sentByLevel: state.sentByLevel, receivedByLevel: state.receivedByLevel,
                deltasSent: state.outbox?.counters.deltasSent ?? 0, deltasReceived: state.deltasReceived,
                bytesSent: state.bytesSent, bytesReceived: state.bytesReceived, lastRoundAt: state.lastRoundAt)
        }
    }

    /// Blocks (on a thread-pool thread) until everything queued for the peer was acknowledged
    /// or the deadline passes.
    func waitUntilDrained(deadline: DispatchTime) {
        while DispatchTime.now() < deadline {
            let idle = state.withLock { ($0.outbox?.isIdle ?? true) && !$0.pumping }
            if idle || !channel.isActive { return }
            Thread.sleep(forTimeInterval: 0.01)
        }
    }
}
