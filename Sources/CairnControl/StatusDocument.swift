/// What `GET /v1/status` reports: who this daemon is, what it may read, and how its store is.
///
/// Levels above the device's clearance are not listed at all: a device never learns the count
/// or size of anything above its clearance, and neither does whoever reads its status.
public struct StatusDocument: Codable, Hashable, Sendable {
    /// The daemon's own device identity.
    public struct Device: Codable, Hashable, Sendable {
        /// The device reference, `agency/name`.
        public var ref: String
        /// The agency that certified the device.
        public var agency: String
        /// The device's name within its agency.
        public var name: String
        /// The device id, 64 lowercase hex digits.
        public var id: String

        /// Creates a device description.
        public init(ref: String, agency: String, name: String, id: String) {
            self.ref = ref
            self.agency = agency
            self.name = name
            self.id = id
        }
    }

    /// The federation the daemon belongs to, as its newest charter defines it.
    public struct Federation: Codable, Hashable, Sendable {
        /// The federation's name.
        public var name: String
        /// The federation id, 32 lowercase hex digits.
        public var id: String
        /// The version of the charter in force.
        public var charterVersion: UInt64
        /// The fingerprint of the charter in force, 64 lowercase hex digits.
        public var charterFingerprint: String

        /// Creates a federation description.
        public init(name: String, id: String, charterVersion: UInt64, charterFingerprint: String) {
            self.name = name
            self.id = id
            self.charterVersion = charterVersion
            self.charterFingerprint = charterFingerprint
        }
    }

    /// One level at or below the clearance, with what the store holds at it.
    public struct Level: Codable, Hashable, Sendable {
        /// The level's name.
        public var name: String
        /// Whether the daemon holds a key for the level and so can read its records.
        public var readable: Bool
        /// Live records at the level.
        public var records: Int
        /// Deleted records at the level.
        public var deletedRecords: Int
        /// Deltas stored at the level.
        public var deltas: Int
        /// The newest key epoch the daemon holds for the level; `nil` (JSON `null`) when it holds none.
        public var epoch: UInt64?

        /// Creates a level description.
        public init(name: String, readable: Bool, records: Int, deletedRecords: Int, deltas: Int, epoch: UInt64?) {
            self.name = name
            self.readable = readable
            self.records = records
            self.deletedRecords = deletedRecords
            self.deltas = deltas
            self.epoch = epoch
        }

        private enum CodingKeys: String, CodingKey {
            case name, readable, records, deletedRecords, deltas, epoch
        }

        /// Decodes a level; a missing `epoch` reads as none held.
        public init(from decoder: any Decoder) throws {
            let container = try decoder.container(keyedBy: CodingKeys.self)
            name = try container.decode(String.self, forKey: .name)
            readable = try container.decode(Bool.self, forKey: .readable)
            records = try container.decode(Int.self, forKey: .records)
            deletedRecords = try container.decode(Int.self, forKey: .deletedRecords)
            deltas = try container.decode(Int.self, forKey: .deltas)
            epoch = try container.decodeIfPresent(UInt64.self, forKey: .epoch)
        }

        /// Encodes every key, `epoch` as an explicit `null` when no key is held.
        public func encode(to encoder: any Encoder) throws {
            var container = encoder.container(keyedBy: CodingKeys.self)
            try container.encode(name, forKey: .name)
            try container.encode(readable, forKey: .readable)
            try container.encode(records, forKey: .records)
            try container.encode(deletedRecords, forKey: .deletedRecords)
            try container.encode(deltas, forKey: .deltas)
            if let epoch {
                try container.encode(epoch, forKey: .epoch)
            } else {
                try container.encodeNil(forKey: .epoch)
            }
        }
    }

    /// The state of the daemon's store.
    public struct Store: Codable, Hashable, Sendable {
        /// The database file under the state directory.
        public var path: String
        /// The store's size on disk, in bytes.
        public var sizeBytes: Int64
        /// Deltas set aside because they could not be verified or applied.
        public var quarantinedDeltas: Int
        /// Human sentences about anything an operator should look at; empty when healthy.
        public var problems: [String]
        /// The check that follows each start (every stored delta, the audit chain) is still
        /// running: what it finds joins `problems` when it is done.
        public var checking: Bool

        /// Creates a store description.
        public init(path: String, sizeBytes: Int64, quarantinedDeltas: Int, problems: [String], checking: Bool = false) {
            self.path = path
            self.sizeBytes = sizeBytes
            self.quarantinedDeltas = quarantinedDeltas
            self.problems = problems
            self.checking = checking
        }

        private enum CodingKeys: String, CodingKey {
            case path, sizeBytes, quarantinedDeltas, problems, checking
        }

        /// Decodes a store description; `checking` is absent from daemons older than the
        /// background store check (they checked before answering), so it defaults to false.
        public init(from decoder: any Decoder) throws {
            let container = try decoder.container(keyedBy: CodingKeys.self)
            path = try container.decode(String.self, forKey: .path)
            sizeBytes = try container.decode(Int64.self, forKey: .sizeBytes)
            quarantinedDeltas = try container.decode(Int.self, forKey: .quarantinedDeltas)
            problems = try container.decode([String].self, forKey: .problems)
            checking = try container.decodeIfPresent(Bool.self, forKey: .checking) ?? false
        }
    }

    /// The daemon's device.
    public var device: Device
    /// The device's certified clearance level.
    public var clearance: String
    /// The federation.
    public var federation: Federation
    /// The levels at or below the clearance, lowest first.
    public var levels: [Level]
    /// Live records across the listed levels.
    public var records: Int
    /// Deltas across the listed levels.
    public var deltas: Int
    /// How many of `deltas` grant epoch keys rather than change records (0 from an older daemon).
    public var keyGrantDeltas: Int = 0
    /// The store.
    public var store: Store
    /// Whether the daemon runs in test mode (test keys allowed; labs use it).
    public var testMode: Bool
    /// When the daemon started, ISO-8601 UTC.
    public var startedAt: String
    /// The daemon's version.
    public var version: String
    /// When the device certificate expires, ISO-8601 UTC.
    public var certificateExpires: String
    /// Federation sync: the listen address and every peer, configured or connected.
    public var sync: SyncStatusDocument = SyncStatusDocument(listen: nil, peers: [])
    /// The audit log's head, anchor and unacknowledged chain breaks; nil from an older daemon.
    public var audit: AuditStatusDocument?

    /// Creates a status document.
    public init(
        device: Device, clearance: String, federation: Federation, levels: [Level], records: Int, deltas: Int,
        store: Store, testMode: Bool, startedAt: String, version: String, certificateExpires: String
    ) {
        self.device = device
        self.clearance = clearance
        self.federation = federation
        self.levels = levels
        self.records = records
        self.deltas = deltas
        self.store = store
        self.testMode = testMode
        self.startedAt = startedAt
        self.version = version
        self.certificateExpires = certificateExpires
    }

    private enum CodingKeys: String, CodingKey {
        case device, clearance, federation, levels, records, deltas, keyGrantDeltas, store, testMode, startedAt, version,
            certificateExpires, sync, audit
    }

    /// Decodes a status; one from a daemon without sync reads as no peers.
    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        device = try c.decode(Device.self, forKey: .device)
        clearance = try c.decode(String.self, forKey: .clearance)
        federation = try c.decode(Federation.self, forKey: .federation)
        levels = try c.decode([Level].self, forKey: .levels)
        records = try c.decode(Int.self, forKey: .records)
        deltas = try c.decode(Int.self, forKey: .deltas)
        keyGrantDeltas = try c.decodeIfPresent(Int.self, forKey: .keyGrantDeltas) ?? 0
        store = try c.decode(Store.self, forKey: .store)
        testMode = try c.decode(Bool.self, forKey: .testMode)
        startedAt = try c.decode(String.self, forKey: .startedAt)
        version = try c.decode(String.self, forKey: .version)
        certificateExpires = try c.decode(String.self, forKey: .certificateExpires)
        sync = try c.decodeIfPresent(SyncStatusDocument.self, forKey: .sync) ?? SyncStatusDocument(listen: nil, peers: [])
        audit = try c.decodeIfPresent(AuditStatusDocument.self, forKey: .audit)
    }
}

/// The audit log in `status`: how far it reaches, how far its anchor does, and the chain
/// breaks no administrator has acknowledged yet (each fails `cairn audit verify`).
public struct AuditStatusDocument: Codable, Hashable, Sendable {
    /// The sequence number of the log's last entry.
    public var headSeq: Int64
    /// The sequence number the anchor file was last written with (nil: not written yet).
    public var anchoredSeq: Int64?
    /// Chain breaks not acknowledged, oldest first.
    public var unacknowledgedBreaks: [AuditBreakDocument]
    /// The peers that hold a signed copy of this site's head, with how far it reaches (as each
    /// last said, since the daemon started), sorted by peer.
    public var witnessedBy: [AuditWitnessDocument]

    public init(headSeq: Int64, anchoredSeq: Int64?, unacknowledgedBreaks: [AuditBreakDocument], witnessedBy: [AuditWitnessDocument] = []) {
        self.headSeq = headSeq
        self.anchoredSeq = anchoredSeq
        self.unacknowledgedBreaks = unacknowledgedBreaks
        self.witnessedBy = witnessedBy
    }

    private enum CodingKeys: String, CodingKey {
        case headSeq, anchoredSeq, unacknowledgedBreaks, witnessedBy
    }

    /// Decodes the audit summary.
    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        headSeq = try c.decode(Int64.self, forKey: .headSeq)
        anchoredSeq = try c.decodeIfPresent(Int64.self, forKey: .anchoredSeq)
        unacknowledgedBreaks = try c.decode([AuditBreakDocument].self, forKey: .unacknowledgedBreaks)
        witnessedBy = try c.decodeIfPresent([AuditWitnessDocument].self, forKey: .witnessedBy) ?? []
    }

    /// Encodes every key, `anchoredSeq` as an explicit `null` when not written yet.
    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(headSeq, forKey: .headSeq)
        try c.encode(anchoredSeq, forKey: .anchoredSeq)
        try c.encode(unacknowledgedBreaks, forKey: .unacknowledgedBreaks)
        try c.encode(witnessedBy, forKey: .witnessedBy)
    }
}

/// A peer's signed copy of this site's audit head, as the peer last sent it.
public struct AuditWitnessDocument: Codable, Hashable, Sendable {
    /// The peer's device, `agency/name`.
    public var peer: String
    /// The sequence number its copy reaches.
    public var seq: Int64
    /// When it said so, ISO 8601.
    public var at: String

    public init(peer: String, seq: Int64, at: String) {
        self.peer = peer
        self.seq = seq
        self.at = at
    }
}
