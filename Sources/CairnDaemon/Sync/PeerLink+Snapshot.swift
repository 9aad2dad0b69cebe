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
    func snapshot() -> LinkSnapshot {
        let common = state.withLock { $0.commonLevels }
        let local = localVector(common)
        return state.withLock { state in
            LinkSnapshot(
                commonLevels: state.commonLevels, lacking: state.session?.lacking(local: local) ?? [:],
                missing: state.session?.missing(local: local) ?? [:],
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

    /// Blocks (on a thread-pool thread) until this site holds everything the peer showed it
    /// holds at the common levels, the deadline passes, or nothing has arrived for
    /// `stallSeconds` (what is left is refused or waits for something the peer lacks too).
    func waitUntilCaughtUp(deadline: DispatchTime, stallSeconds: Double = 10) {
        var lastReceived = state.withLock { $0.deltasReceived + $0.duplicatesReceived }
        var lastProgress = DispatchTime.now()
        while DispatchTime.now() < deadline, channel.isActive {
            let common = state.withLock { $0.commonLevels }
            let local = localVector(common)
            let (missing, received) = state.withLock { state in
                (state.session?.missing(local: local).values.reduce(0, +) ?? 0, state.deltasReceived + state.duplicatesReceived)
            }
            if missing == 0 { return }
            if received != lastReceived {
                lastReceived = received
                lastProgress = DispatchTime.now()
            } else if DispatchTime.now() > lastProgress + stallSeconds {
                return
            }
            Thread.sleep(forTimeInterval: 0.05)
        }
    }
}
