import CairnModel

/// The reconciliation rounds of one connection, as `Proto/cairn/v1/sync.proto` describes them:
/// `Summary` → `Agree` | `Vector`; a `Vector` → a reply `Vector` and the ranges the responder
/// lacks; a reply `Vector` → the ranges the initiator lacks, and never another vector.
///
/// Pure: the daemon feeds it the peer's round frames and its own current vector, sends the
/// frames it returns, queues the ranges in the peer's `DeltaOutbox`, and acts on the rest. One
/// value per connection, used from one thread at a time. Both sides may have a round open at
/// once: the two are told apart by the frame kinds, since a `Summary` and a reply `Vector` come
/// from a round's opener and an `Agree` and a first `Vector` from its responder.
///
/// Rounds are idempotent and cannot loop: a frame that answers no open round is ignored, a
/// lost frame leaves a round open until its opener starts the next one, and a peer that keeps
/// rounds open or sends frames that answer nothing is stopped by `SyncError.flooding`.
public struct ReconciliationSession: Sendable {
    /// The levels both sides may see; nothing else is ever digested, sent or accepted.
    public let commonLevels: Set<String>
    /// The bounds this session enforces.
    public let limits: SyncLimits
    /// What the peer is known to hold, for the outbox's clipping and for `lacking(local:)`.
    public internal(set) var peer = PeerKnowledge()

    struct LocalRound: Sendable {
        var number: UInt64
        /// Our vector when the summary was sent: on `Agree`, exactly what the peer holds.
        var snapshot: [StreamPosition]
        var bytes: Int
    }

    struct PeerRound: Sendable {
        var number: UInt64
        var bytes: Int
    }

    var localRound: LocalRound?
    var nextRoundNumber: UInt64 = 1
    /// A peer round we answered with a vector; its reply is awaited.
    var peerRound: PeerRound?
    var lastPeerSummary: UInt64?
    var flood: FloodGuard

    /// A session for a peer with whom `commonLevels` are shared.
    public init(commonLevels: Set<String>, limits: SyncLimits = .default) {
        self.commonLevels = commonLevels
        self.limits = limits
        self.flood = FloodGuard(limits: limits)
    }

    /// The number of our open round, if any.
    public var openRound: UInt64? { localRound?.number }

    /// Opens a round: returns the `Summary` to send. A round of ours still open is abandoned
    /// (its answer was lost or is late and will be ignored). `local` is our current vector.
    public mutating func startRound(local: [StreamPosition]) throws(SyncError) -> SessionOutput {
        let positions = try LocalVector.normalize(local, levels: commonLevels, limits: limits)
        var output = SessionOutput()
        if let abandoned = localRound {
            output.events.append(.roundAbandoned(RoundID(origin: .local, number: abandoned.number)))
        }
        let number = nextRoundNumber
        nextRoundNumber += 1
        let summary = SyncFrame.summary(
            round: number, digest: VectorDigest.digest(positions), streams: UInt32(clamping: positions.count))
        localRound = LocalRound(number: number, snapshot: positions, bytes: Self.cost(summary))
        output.frames.append(summary)
        output.events.append(.roundStarted(RoundID(origin: .local, number: number)))
        return output
    }

    /// Handles one round frame from the peer (`summary`, `agree` or `vector`); `local` is our
    /// current vector and `now` a monotonic reading for the summary rate limit. Throws on a
    /// vector naming a level outside `commonLevels`, on flooding, and for other frame kinds
    /// (which belong to the outbox, the pending buffer or the daemon).
    public mutating func receive(
        _ frame: SyncFrame, local: [StreamPosition], now: ContinuousClock.Instant
    ) throws(SyncError) -> SessionOutput {
        switch frame {
        case .summary(let round, let digest, _):
            return try receiveSummary(frame, round: round, digest: digest, local: local, now: now)
        case .agree(let round):
            return try receiveAgree(frame, round: round)
        case .vector(let round, let positions, let reply):
            if let level = positions.first(where: { !commonLevels.contains($0.level) })?.level {
                throw .levelNotCommon(level)
            }
            return reply
                ? try receiveReply(frame, round: round, positions: positions, local: local)
                : try receiveVector(frame, round: round, positions: positions, local: local)
        default:
            throw .unexpectedFrame(frame.kind)
        }
    }

    /// Records that the peer acknowledged holding `ranges` (from `DeltaOutbox.acknowledge`).
    public mutating func noteDelivered(_ ranges: [StreamRange]) {
        peer.raise(ranges.filter { commonLevels.contains($0.stream.level) })
    }

    /// Records that the peer holds `stream` up to `sequence`: it sent us that delta.
    public mutating func notePeerHolds(_ stream: StreamID, through sequence: UInt64) {
        guard commonLevels.contains(stream.level) else { return }
        peer.raise(stream, to: sequence)
    }

    /// Per common level, how many deltas of `local` the peer is not known to hold.
    public func lacking(local: [StreamPosition]) -> [String: UInt64] {
        peer.lacking(local: local, levels: commonLevels)
    }

    /// Per common level, how many deltas the peer is known to hold that `local` lacks.
    public func missing(local: [StreamPosition]) -> [String: UInt64] {
        peer.missing(local: local, levels: commonLevels)
    }

    /// A frame's bytes on the wire, length prefix included.
    static func cost(_ frame: SyncFrame) -> Int { frame.wireSize + 4 }
}
