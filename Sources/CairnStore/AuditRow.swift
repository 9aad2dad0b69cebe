/// One entry of the audit log as stored. The daemon computes `hash` over the entry's fields and
/// `previous` (the hash of the entry before it); the store only keeps the chain contiguous.
public struct AuditRow: Hashable, Sendable {
    /// The kind of the entry the daemon appends when the log's tail was found cut or changed;
    /// the only entry that may skip sequence numbers (the ones lost).
    public static let chainBreakKind = "audit.chain_break"
    /// The kind of an administrator's acknowledgement of a chain break.
    public static let acknowledgementKind = "audit.break_acknowledged"

    /// 1, 2, 3, … without gaps, except before a chain break entry.
    public var seq: Int64
    /// Milliseconds since the Unix epoch.
    public var at: Int64
    /// What happened, e.g. `record.put`, `control.forbidden`.
    public var kind: String
    /// Who did it, e.g. `uid:1000`, `daemon`.
    public var actor: String
    /// A JSON object with the particulars (never record contents).
    public var detail: String
    /// Hash of the previous entry (32 zero bytes for the first).
    public var previous: [UInt8]
    public var hash: [UInt8]

    public init(seq: Int64, at: Int64, kind: String, actor: String, detail: String, previous: [UInt8], hash: [UInt8]) {
        self.seq = seq
        self.at = at
        self.kind = kind
        self.actor = actor
        self.detail = detail
        self.previous = previous
        self.hash = hash
    }
}

/// The newest signed head of a peer's audit log that this site holds (it witnesses that log).
public struct AuditWitnessRow: Hashable, Sendable {
    /// The peer's device id (its signing key).
    public var device: [UInt8]
    public var seq: Int64
    public var hash: [UInt8]
    /// When the peer signed it, milliseconds since the Unix epoch.
    public var signedAt: Int64
    /// The peer's Ed25519 signature (see `AuditHead` in CairnProtocol).
    public var signature: [UInt8]
    /// When this site received it, seconds since the Unix epoch.
    public var receivedAt: Int64

    public init(device: [UInt8], seq: Int64, hash: [UInt8], signedAt: Int64, signature: [UInt8], receivedAt: Int64) {
        self.device = device
        self.seq = seq
        self.hash = hash
        self.signedAt = signedAt
        self.signature = signature
        self.receivedAt = receivedAt
    }
}
