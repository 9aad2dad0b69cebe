/// One side of a range-based reconciliation session: a pure state machine that consumes the
/// peer's messages and returns the next message to send, until both sides know every key on
/// which their sets differ, with both values (`ReconcileOutcome`).
///
/// No I/O: the caller sends the bytes it gets, feeds in the bytes it receives, and on any error
/// drops the session and falls back to the whole-vector round. One value per session side,
/// used from one thread at a time. The protocol (`reconcile.proto`, Docs/Protocol.md):
/// fingerprints of key ranges, split `branching` ways where they differ, until a range holds
/// few enough items to list their tags; the side that receives a list answers with its own
/// items the list lacks and a bitmap of the listed ones it lacks, whose values come back last.
///
/// Bounded against a hostile peer: every message must answer exactly the ranges this side left
/// open, each answer must settle or strictly refine its range (a deferral is allowed only next
/// to real progress), and messages, ranges, items and bytes are capped by `ReconcileLimits`.
public struct ReconcileSession: Sendable {
    /// Which side of the session this is.
    public enum Role: Hashable, Sendable {
        /// Sends the first message (odd rounds).
        case initiator
        /// Answers it (even rounds).
        case responder
    }

    /// This side's role.
    public let role: Role
    /// The bounds this side enforces.
    public let limits: ReconcileLimits
    /// This side's items.
    public let set: ReconcileSet
    /// The initiator's number for the session (known to the responder from round 1 on).
    public internal(set) var session: UInt64 = 0
    /// Messages and bytes so far, both directions.
    public internal(set) var stats = ReconcileStats()

    enum Phase: Hashable, Sendable { case open, finished, failed }

    var index: ReconcileIndex?
    var phase = Phase.open
    /// The round of the next message expected from the peer.
    var nextRound: UInt32
    /// The ranges this side asked about in its last message, sorted and disjoint.
    var awaiting: [Awaited] = []
    /// The tags of the peer's items this side marked missing: their values are due next.
    var expectedValues: [ExpectedValue] = []
    /// Values the peer holds, learned from its replies and values, by key.
    var remote: [[UInt8]: [UInt8]] = [:]
    /// Keys of ours that the peer does not hold with our value.
    var notHeldByPeer: Set<[UInt8]> = []

    /// A value the peer owes: the tag it listed, and the keys of the reply that marked it (a
    /// value may name its key by its index among them).
    struct ExpectedValue: Hashable, Sendable {
        var tag: UInt64
        var replyKeys: [[UInt8]]
    }

    /// A range this side left open, and what it sent there.
    struct Awaited: Hashable, Sendable {
        enum Kind: Hashable, Sendable {
            /// A fingerprint; `opening` for the virtual range a responder starts with.
            case fingerprint(opening: Bool)
            /// The tags of our items `indices`.
            case items(Range<Int>)
            /// Our items `indices` themselves (a whole list): the peer answers as to tags, but
            /// its bitmap marks what it does not hold and asks for nothing, since it has the
            /// values already.
            case whole(Range<Int>)
        }

        var lower: ReconcileBound
        var upper: ReconcileBound
        var kind: Kind
    }

    /// How an initiator's first message describes its set.
    public enum Opening: Hashable, Sendable {
        /// One fingerprint of the whole key space (an empty list when the set is empty): a
        /// session between equal sets is one small message each way. For rounds on a link that
        /// was in sync.
        case fingerprint
        /// What this side would answer to a differing fingerprint of everything (a split, a
        /// list of tags or a whole list): one round trip less when the sets differ, a few
        /// hundred bytes more when they do not. For the round that opens a connection.
        case eager
    }

    /// Opens a session: returns it and the first message to send. `salt` must be 16 fresh
    /// random bytes (`SecureRandom.bytes(16)`), `session` distinct for each session this side
    /// opens on a connection; `opening` chooses how the first message describes the set.
    public static func initiate(
        set: ReconcileSet, session: UInt64, salt: [UInt8], limits: ReconcileLimits = .default, opening: Opening = .fingerprint
    ) throws(ReconcileError) -> (ReconcileSession, [UInt8]) {
        if let defect = limits.defect { throw .invalidLocalSet("limits: \(defect)") }
        guard salt.count == ReconcileIndex.saltLength else {
            throw .invalidLocalSet("a salt of \(salt.count) bytes (\(ReconcileIndex.saltLength) expected)")
        }
        guard set.count <= limits.maxSetItems else {
            throw .invalidLocalSet("\(set.count) items, over the limit of \(limits.maxSetItems)")
        }
        var state = ReconcileSession(role: .initiator, set: set, limits: limits, nextRound: 2)
        state.session = session
        let index = ReconcileIndex(set: set, salt: salt)
        state.index = index
        var builder = ReconcileAnswer(index: index, limits: limits)
        builder.open(eagerly: opening == .eager)
        state.awaiting = builder.awaiting
        let message = ReconcileMessage(set: set.kind, session: session, round: 1, salt: salt, ranges: builder.ranges)
        let bytes = message.encode()
        try state.count(sent: bytes.count)
        return (state, bytes)
    }

    /// A responder, waiting for the initiator's first message.
    public init(responding set: ReconcileSet, limits: ReconcileLimits = .default) {
        self.init(role: .responder, set: set, limits: limits, nextRound: 1)
    }

    private init(role: Role, set: ReconcileSet, limits: ReconcileLimits, nextRound: UInt32) {
        self.role = role
        self.set = set
        self.limits = limits
        self.nextRound = nextRound
    }

    /// Whether this side knows every difference (nothing asked, nothing owed).
    public var isFinished: Bool { phase == .finished }

    /// What the session found, once it is finished.
    public var outcome: ReconcileOutcome? {
        guard phase == .finished else { return nil }
        var differences: [ReconcileDifference] = []
        for key in notHeldByPeer.union(remote.keys) {
            let local = set.value(for: key)
            let theirs = remote[key]
            if local != theirs { differences.append(ReconcileDifference(key: key, local: local, remote: theirs)) }
        }
        return ReconcileOutcome(differences: differences.sorted { $0.key.lexicographicallyPrecedes($1.key) })
    }

    /// Handles one message from the peer: returns the message to send (if the peer expects
    /// one) and whether this side is finished. Any error ends the session for good: the
    /// caller starts a new one or falls back to whole vectors.
    public mutating func receive(_ bytes: [UInt8]) throws(ReconcileError) -> ReconcileOutput {
        guard phase == .open else { throw .sessionOver }
        do {
            try count(received: bytes.count)
            let message = try ReconcileMessage.decode(bytes, limits: limits)
            return try handle(message)
        } catch {
            phase = .failed
            throw error
        }
    }

    mutating func count(received bytes: Int) throws(ReconcileError) {
        stats.messagesReceived += 1
        stats.bytesReceived += bytes
        try checkBudget()
    }

    mutating func count(sent bytes: Int) throws(ReconcileError) {
        stats.messagesSent += 1
        stats.bytesSent += bytes
        try checkBudget()
    }

    private func checkBudget() throws(ReconcileError) {
        let messages = stats.messagesSent + stats.messagesReceived
        guard messages <= limits.maxMessages else {
            throw .sessionLimit(what: "messages", count: messages, limit: limits.maxMessages)
        }
        let bytes = stats.bytesSent + stats.bytesReceived
        guard bytes <= limits.maxSessionBytes else {
            throw .sessionLimit(what: "bytes", count: bytes, limit: limits.maxSessionBytes)
        }
    }
}

/// What one incoming message produced.
public struct ReconcileOutput: Hashable, Sendable {
    /// The message to send the peer, if it expects one.
    public var reply: [UInt8]?
    /// Whether this side now knows every difference; the session may be dropped once `reply`
    /// (if any) is sent.
    public var finished: Bool
}

/// Messages and bytes of one session, as encoded (without any framing around them).
public struct ReconcileStats: Hashable, Sendable {
    /// Messages this side sent.
    public var messagesSent = 0
    /// Messages this side received.
    public var messagesReceived = 0
    /// Bytes this side sent.
    public var bytesSent = 0
    /// Bytes this side received.
    public var bytesReceived = 0
}
