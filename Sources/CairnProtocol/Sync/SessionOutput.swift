/// What the daemon must do after a session step: send `frames` in order, queue `ranges` in the
/// peer's `DeltaOutbox`, audit `equivocations`, and log or count `events`.
public struct SessionOutput: Hashable, Sendable {
    /// Frames to send to the peer, in order.
    public var frames: [SyncFrame] = []
    /// What the peer lacks and we hold, in stream order: give them to `DeltaOutbox.enqueue`.
    public var ranges: [StreamRange] = []
    /// Streams where the peer holds another delta than ours at the same sequence number.
    public var equivocations: [Equivocation] = []
    /// What happened, for logs and metrics.
    public var events: [SyncEvent] = []

    /// An empty output.
    public init() {}
}

/// Which side opened a round.
public enum RoundOrigin: Hashable, Sendable {
    /// We sent the `Summary`.
    case local
    /// The peer sent the `Summary`.
    case peer
}

/// A round, named by its opener and the number the opener chose (the two sides' numbers are
/// independent, so both are needed).
public struct RoundID: Hashable, Sendable, CustomStringConvertible {
    /// Who opened it.
    public var origin: RoundOrigin
    /// The opener's round number.
    public var number: UInt64

    /// Names a round.
    public init(origin: RoundOrigin, number: UInt64) {
        self.origin = origin
        self.number = number
    }

    /// `local#3` or `peer#7`, for logs.
    public var description: String { "\(origin == .local ? "local" : "peer")#\(number)" }
}

/// The outcome and cost of a finished round.
public struct RoundReport: Hashable, Sendable {
    /// The round.
    public var round: RoundID
    /// True when both sides held the same: the digests agreed, or the vectors turned out equal.
    public var inSync: Bool
    /// Bytes of the round's frames on the wire in both directions (summary, agree or vectors),
    /// 4-byte length prefixes included; the deltas that follow are not counted.
    public var bytes: Int
    /// Round frames exchanged (2 for an agreeing round, 3 otherwise).
    public var frames: Int
    /// Deltas this side has to send as a result.
    public var deltasToSend: UInt64

    /// Builds a report.
    public init(round: RoundID, inSync: Bool, bytes: Int, frames: Int, deltasToSend: UInt64) {
        self.round = round
        self.inSync = inSync
        self.bytes = bytes
        self.frames = frames
        self.deltasToSend = deltasToSend
    }
}

/// Something that happened in a session.
public enum SyncEvent: Hashable, Sendable {
    /// A round was opened (by us with `startRound`, or by the peer's `Summary`).
    case roundStarted(RoundID)
    /// A round ended; the report says whether the sides were in sync and what it cost.
    case roundCompleted(RoundReport)
    /// A round was given up before it ended, because its opener started another (a lost frame).
    case roundAbandoned(RoundID)
    /// A frame answering no open round (late, duplicated or unsolicited) was ignored.
    case ignored(kind: String, round: UInt64)
}
