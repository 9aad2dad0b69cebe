/// Federation sync as `GET /v1/status` and `GET /v1/peers` report it.
public struct SyncStatusDocument: Codable, Hashable, Sendable {
    /// Where this site accepts sync connections (`HOST:PORT`), or nil when it does not listen.
    public var listen: String?
    /// Every peer: those configured or added (connected or not) and those connected to us.
    public var peers: [PeerDocument]

    /// Creates a sync status.
    public init(listen: String?, peers: [PeerDocument]) {
        self.listen = listen
        self.peers = peers
    }

    private enum CodingKeys: String, CodingKey { case listen, peers }

    /// Encodes every key, `listen` as an explicit `null` when the site does not listen.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encodeOptional(listen, forKey: .listen)
        try container.encode(peers, forKey: .peers)
    }
}

extension KeyedEncodingContainer {
    /// Writes `value`, or an explicit `null`: documents keep every key whatever their state, as
    /// the API's stability rules promise scripts.
    mutating func encodeOptional<T: Encodable>(_ value: T?, forKey key: Key) throws {
        if let value { try encode(value, forKey: key) } else { try encodeNil(forKey: key) }
    }
}

/// One peer as this site sees it. Levels listed are only those both sides are cleared for.
public struct PeerDocument: Codable, Hashable, Sendable {
    /// Per level: what this site still has to give the peer and what moved.
    public struct Level: Codable, Hashable, Sendable {
        /// The level's name.
        public var name: String
        /// Deltas this site holds that the peer lacks, as far as this site knows (from the peer's
        /// last vector and what it acknowledged since).
        public var lacking: UInt64
        /// Deltas the peer holds that this site does not yet, as far as this site knows (from
        /// the peer's last vector): what a catch-up still has to bring. Absent from documents
        /// of daemons before 0.4 (decoded as 0).
        public var missing: UInt64
        /// Deltas sent to the peer at this level on the current connection.
        public var deltasSent: UInt64
        /// Deltas received from the peer at this level on the current connection and stored.
        public var deltasReceived: UInt64

        /// Creates a level entry.
        public init(name: String, lacking: UInt64, missing: UInt64 = 0, deltasSent: UInt64, deltasReceived: UInt64) {
            self.name = name
            self.lacking = lacking
            self.missing = missing
            self.deltasSent = deltasSent
            self.deltasReceived = deltasReceived
        }

        private enum CodingKeys: String, CodingKey {
            case name, lacking, missing, deltasSent, deltasReceived
        }

        /// Decodes a level; `missing` may be absent (older daemons).
        public init(from decoder: any Decoder) throws {
            let container = try decoder.container(keyedBy: CodingKeys.self)
            name = try container.decode(String.self, forKey: .name)
            lacking = try container.decode(UInt64.self, forKey: .lacking)
            missing = try container.decodeIfPresent(UInt64.self, forKey: .missing) ?? 0
            deltasSent = try container.decode(UInt64.self, forKey: .deltasSent)
            deltasReceived = try container.decode(UInt64.self, forKey: .deltasReceived)
        }
    }

    /// The configured name (`[peers]` or `cairn peer add`), or the device reference of a peer
    /// that connected to us.
    public var name: String
    /// `HOST:PORT` dialled, for configured peers.
    public var address: String?
    /// Where the peer comes from: "config", "added" (cairn peer add) or "inbound".
    public var source: String
    /// The peer device's reference (`agency/name`) once it has identified itself.
    public var device: String?
    /// Its certified clearance.
    public var clearance: String?
    /// Whether an authenticated connection is up.
    public var connected: Bool
    /// When the last reconciliation round with it completed, ISO-8601 UTC.
    public var lastRound: String?
    /// The last connection error, for a peer that is not connected.
    public var lastError: String?
    /// Bytes sent and received on the current connection (frames, after TLS).
    public var bytesSent: UInt64
    public var bytesReceived: UInt64
    /// The common levels, lowest first.
    public var levels: [Level]

    /// Creates a peer entry.
    public init(
        name: String, address: String?, source: String, device: String?, clearance: String?, connected: Bool,
        lastRound: String?, lastError: String?, bytesSent: UInt64, bytesReceived: UInt64, levels: [Level]
    ) {
        self.name = name
        self.address = address
        self.source = source
        self.device = device
        self.clearance = clearance
        self.connected = connected
        self.lastRound = lastRound
        self.lastError = lastError
        self.bytesSent = bytesSent
        self.bytesReceived = bytesReceived
        self.levels = levels
    }

    private enum CodingKeys: String, CodingKey {
        case name, address, source, device, clearance, connected, lastRound, lastError, bytesSent, bytesReceived, levels
    }

    /// Encodes every key, absent values as explicit `null`s.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(name, forKey: .name)
        try container.encodeOptional(address, forKey: .address)
        try container.encode(source, forKey: .source)
        try container.encodeOptional(device, forKey: .device)
        try container.encodeOptional(clearance, forKey: .clearance)
        try container.encode(connected, forKey: .connected)
        try container.encodeOptional(lastRound, forKey: .lastRound)
        try container.encodeOptional(lastError, forKey: .lastError)
        try container.encode(bytesSent, forKey: .bytesSent)
        try container.encode(bytesReceived, forKey: .bytesReceived)
        try container.encode(levels, forKey: .levels)
    }
}

/// `POST /v1/peers`: add (or re-address) a peer at run time.
public struct AddPeerRequest: Codable, Hashable, Sendable {
    /// Local name, 1 to 64 of a-z, 0-9 and -.
    public var name: String
    /// `HOST:PORT` (IPv6 hosts in brackets).
    public var address: String

    /// Creates a request.
    public init(name: String, address: String) {
        self.name = name
        self.address = address
    }
}

/// `POST /v1/sync`: start a reconciliation round now.
public struct SyncRequest: Codable, Hashable, Sendable {
    /// Only this peer (configured name or device reference); nil for every connected peer.
    public var peer: String?
    /// Wait until the rounds finished, what they found to send was acknowledged, and what the
    /// peers showed they hold beyond this site has arrived (or stopped arriving).
    public var wait: Bool
    /// How long to wait at most, in seconds (1 to 3,600; the daemon's default is 60). A first
    /// sync of a large store needs more.
    public var waitSeconds: Int?

    /// The longest wait a request may ask for.
    public static let maxWaitSeconds = 3_600

    /// Creates a request.
    public init(peer: String?, wait: Bool, waitSeconds: Int? = nil) {
        self.peer = peer
        self.wait = wait
        self.waitSeconds = waitSeconds
    }

    private enum CodingKeys: String, CodingKey { case peer, wait, waitSeconds }

    /// Encodes `peer` as an explicit `null` for every peer; `waitSeconds` only when set.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encodeOptional(peer, forKey: .peer)
        try container.encode(wait, forKey: .wait)
        try container.encodeIfPresent(waitSeconds, forKey: .waitSeconds)
    }
}

/// What `POST /v1/sync` did, per peer.
public struct SyncResultDocument: Codable, Hashable, Sendable {
    /// One peer's round.
    public struct Round: Codable, Hashable, Sendable {
        public var peer: String
        /// Whether the round completed (always false when not waited for).
        public var completed: Bool
        /// Deltas sent to and stored from the peer while the command waited.
        public var deltasSent: UInt64
        public var deltasReceived: UInt64
        public var bytesSent: UInt64
        public var bytesReceived: UInt64
        /// Deltas the peer showed it holds that this site still lacks when the command
        /// returned: 0 when caught up; otherwise they stopped arriving (refused, or waiting for
        /// something the peer does not have) or the wait ran out.
        public var missing: UInt64
        /// Deltas this site holds that the peer is not known to hold when the command returned
        /// (the peer's lag; 0 when it is up to date).
        public var lacking: UInt64
        /// When the current connection to the peer was made (ISO 8601 UTC), and the deltas sent
        /// and stored on it since: what gossip and the catch-up at connection moved before this
        /// round (`deltasSent` and `deltasReceived` count only the round). Absent from older
        /// daemons.
        public var connectedAt: String?
        public var connectionDeltasSent: UInt64?
        public var connectionDeltasReceived: UInt64?

        /// Creates a round entry.
        public init(
            peer: String, completed: Bool, deltasSent: UInt64, deltasReceived: UInt64, bytesSent: UInt64, bytesReceived: UInt64,
            missing: UInt64 = 0, lacking: UInt64 = 0, connectedAt: String? = nil, connectionDeltasSent: UInt64? = nil,
            connectionDeltasReceived: UInt64? = nil
        ) {
            self.peer = peer
            self.completed = completed
            self.deltasSent = deltasSent
            self.deltasReceived = deltasReceived
            self.bytesSent = bytesSent
            self.bytesReceived = bytesReceived
            self.missing = missing
            self.lacking = lacking
            self.connectedAt = connectedAt
            self.connectionDeltasSent = connectionDeltasSent
            self.connectionDeltasReceived = connectionDeltasReceived
        }

        private enum CodingKeys: String, CodingKey {
            case peer, completed, deltasSent, deltasReceived, bytesSent, bytesReceived, missing, lacking, connectedAt
            case connectionDeltasSent, connectionDeltasReceived
        }

        /// Decodes a round; `missing` may be absent (older daemons).
        public init(from decoder: any Decoder) throws {
            let container = try decoder.container(keyedBy: CodingKeys.self)
            peer = try container.decode(String.self, forKey: .peer)
            completed = try container.decode(Bool.self, forKey: .completed)
            deltasSent = try container.decode(UInt64.self, forKey: .deltasSent)
            deltasReceived = try container.decode(UInt64.self, forKey: .deltasReceived)
            bytesSent = try container.decode(UInt64.self, forKey: .bytesSent)
            bytesReceived = try container.decode(UInt64.self, forKey: .bytesReceived)
            missing = try container.decodeIfPresent(UInt64.self, forKey: .missing) ?? 0
            lacking = try container.decodeIfPresent(UInt64.self, forKey: .lacking) ?? 0
            connectedAt = try container.decodeIfPresent(String.self, forKey: .connectedAt)
            connectionDeltasSent = try container.decodeIfPresent(UInt64.self, forKey: .connectionDeltasSent)
            connectionDeltasReceived = try container.decodeIfPresent(UInt64.self, forKey: .connectionDeltasReceived)
        }
    }

    public var rounds: [Round]

    /// Creates a result.
    public init(rounds: [Round]) {
        self.rounds = rounds
    }
}
