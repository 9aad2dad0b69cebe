/// One audit-log entry as the control API shows it. `detail` is the stored JSON text verbatim,
/// because the entry's hash covers those exact bytes (see Docs/ControlAPI.md for the hash).
public struct AuditEntryDocument: Codable, Hashable, Sendable {
    public var seq: Int64
    /// Milliseconds since the Unix epoch, as hashed.
    public var atMillis: Int64
    /// The same instant, ISO 8601.
    public var at: String
    public var kind: String
    public var actor: String
    public var detail: String
    /// Hex of the previous entry's hash (64 zeros for the first entry).
    public var previous: String
    public var hash: String

    public init(seq: Int64, atMillis: Int64, at: String, kind: String, actor: String, detail: String, previous: String, hash: String) {
        self.seq = seq
        self.atMillis = atMillis
        self.at = at
        self.kind = kind
        self.actor = actor
        self.detail = detail
        self.previous = previous
        self.hash = hash
    }
}

/// The result of checking the whole audit chain.
public struct AuditVerifyDocument: Codable, Hashable, Sendable {
    public var ok: Bool
    /// Entries checked before the first break (all of them when `ok`).
    public var entries: Int64
    /// Hex hash of the last entry that verified.
    public var head: String
    /// The first entry that breaks the chain, and why.
    public var brokenAt: Int64?
    public var problem: String?

    public init(ok: Bool, entries: Int64, head: String, brokenAt: Int64?, problem: String?) {
        self.ok = ok
        self.entries = entries
        self.head = head
        self.brokenAt = brokenAt
        self.problem = problem
    }
}

/// The whole audit log with its head signed by the device, for an outside checker: recompute
/// every hash, then check `head.signature` with the device's signing key (from its certificate)
/// over `"cairn/v1/audit-head" || 0x00 || u64be(seq) || hash`.
public struct AuditExportDocument: Codable, Hashable, Sendable {
    public struct Device: Codable, Hashable, Sendable {
        public var ref: String
        /// Hex of the device's Ed25519 signing key.
        public var signingKey: String

        public init(ref: String, signingKey: String) {
            self.ref = ref
            self.signingKey = signingKey
        }
    }

    public struct Head: Codable, Hashable, Sendable {
        public var seq: Int64
        public var hash: String
        public var signature: String

        public init(seq: Int64, hash: String, signature: String) {
            self.seq = seq
            self.hash = hash
            self.signature = signature
        }
    }

    public var device: Device
    public var exportedAt: String
    public var entries: [AuditEntryDocument]
    public var head: Head

    public init(device: Device, exportedAt: String, entries: [AuditEntryDocument], head: Head) {
        self.device = device
        self.exportedAt = exportedAt
        self.entries = entries
        self.head = head
    }
}
