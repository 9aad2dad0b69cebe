import CairnModel
import CairnProtocol
import CairnTrust
import Foundation

/// The protocol state of one link. Owned by the link's event loop (`PeerLink.state` is a
/// `NIOLoopBoundBox`): read and changed there only, so nothing in it is ever behind a lock.
struct LinkState: Sendable {
    var peer: DeviceCertificate?
    /// The charter version the peer holds, as far as we know (its Hello, then what we sent).
    var peerCharterVersion: UInt64 = 0
    /// The port the peer said its own listener is on (0: not said).
    var peerListenPort: UInt16 = 0
    /// How far the trust objects sent on this link go (nil before the first were read).
    var trustSent: TrustMark?
    var session: ReconciliationSession?
    var commonLevels: Set<String> = []
    var outbox: DeltaOutbox?
    /// Deltas sent per level (counted when read from the store for a batch).
    var sentByLevel: [String: UInt64] = [:]
    /// The pump is building a batch: its store reads are out on the thread pool.
    var pumping = false
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
    /// Frames received whose store work is queued or running, and whose result has not yet
    /// come back to the loop.
    var inboundQueued = 0
    /// Authors whose certificates were sent on this link (each is sent before its first delta).
    var certificatesSent: Set<DeviceID> = []
    /// Why the connection was closed by either side, when known.
    var closeReason: String?
    /// The refusal code that ended the link, whichever side refused: the code the peer's
    /// Goodbye gave, or this site's own. The dialler waits long after a lasting one (`PeerDialer`).
    var refusal: String?
    /// The site this one dialled sent its one `Trust` frame before saying who it is.
    var trustBeforeAdmission = false
    /// Rounds that callers of `cairn sync --wait` wait for, by round id.
    var roundWaiters: [UInt64: [@Sendable (Bool) -> Void]] = [:]
    /// The audit heads exchanged on this link.
    var auditHeads = AuditHeadsLinkState()
    /// The protocol-2 sessions of this link.
    var reconcile = ReconcileLinkState()

    init() {}

    /// What other threads may read of this state (see `LinkPublished`).
    var published: LinkPublished {
        LinkPublished(
            peer: peer, peerListenPort: peerListenPort, closeReason: closeReason, refusal: refusal, commonLevels: commonLevels, knowledge: session?.peer,
            sentByLevel: sentByLevel, receivedByLevel: receivedByLevel, deltasSent: outbox?.counters.deltasSent ?? 0,
            deltasReceived: deltasReceived, duplicatesReceived: duplicatesReceived, lastRoundAt: lastRoundAt,
            drained: outbox?.isIdle ?? true)
    }
}

/// A copy of a link's state for other threads (`status`, `cairn sync`, the registry, the
/// dialer), published by the event loop after each change: readers take it under a mutex held
/// for the copy only, and never see the loop's state itself.
struct LinkPublished: Sendable {
    var peer: DeviceCertificate?
    /// The port the peer said its own listener is on (0: not said), from its Hello.
    var peerListenPort: UInt16 = 0
    var closeReason: String?
    var refusal: String?
    var commonLevels: Set<String> = []
    /// What the peer is known to hold (the session's knowledge).
    var knowledge: PeerKnowledge?
    var sentByLevel: [String: UInt64] = [:]
    var receivedByLevel: [String: UInt64] = [:]
    var deltasSent: UInt64 = 0
    var deltasReceived: UInt64 = 0
    var duplicatesReceived: UInt64 = 0
    var lastRoundAt: Date?
    /// Nothing queued for the peer and nothing awaiting its acknowledgement. (A batch being
    /// read leaves the outbox unchanged until it is built on the loop, so it counts as queued.)
    var drained = true
}
