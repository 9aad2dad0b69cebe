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

/// The result of checking the whole audit chain, its anchored head and its recorded breaks.
public struct AuditVerifyDocument: Codable, Hashable, Sendable {
    /// True when the chain verifies, the anchor agrees with it, and every chain break is
    /// acknowledged (what `cairn audit verify` exits 0 on).
    public var ok: Bool
    /// Entries checked before the first break (all of them when the chain holds).
    public var entries: Int64
    /// Hex hash of the last entry that verified.
    public var head: String
    /// The first entry that breaks the chain, and why.
    public var brokenAt: Int64?
    public var problem: String?
    /// The sequence number of the last entry that verified (after a chain break entry, sequence
    /// numbers skip the lost ones, so this may exceed `entries`). 0 from an older daemon.
    public var headSeq: Int64
    /// The anchor file's head and how it compares with the log; nil from an older daemon.
    public var anchor: AuditAnchorDocument?
    /// Every chain break recorded in the log, oldest first.
    public var breaks: [AuditBreakDocument]
    /// Sentences for a person: everything that makes `ok` false.
    public var problems: [String]

    public init(
        ok: Bool, entries: Int64, head: String, brokenAt: Int64?, problem: String?, headSeq: Int64 = 0,
        anchor: AuditAnchorDocument? = nil, breaks: [AuditBreakDocument] = [], problems: [String] = []
    ) {
        self.ok = ok
        self.entries = entries
        self.head = head
        self.brokenAt = brokenAt
        self.problem = problem
        self.headSeq = headSeq
        self.anchor = anchor
        self.breaks = breaks
        self.problems = problems
    }

    private enum CodingKeys: String, CodingKey {
        case ok, entries, head, brokenAt, problem, headSeq, anchor, breaks, problems
    }

    /// Decodes a verdict; one from a daemon without the anchor reads as no breaks.
    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        ok = try c.decode(Bool.self, forKey: .ok)
        entries = try c.decode(Int64.self, forKey: .entries)
        head = try c.decode(String.self, forKey: .head)
        brokenAt = try c.decodeIfPresent(Int64.self, forKey: .brokenAt)
        problem = try c.decodeIfPresent(String.self, forKey: .problem)
        headSeq = try c.decodeIfPresent(Int64.self, forKey: .headSeq) ?? 0
        anchor = try c.decodeIfPresent(AuditAnchorDocument.self, forKey: .anchor)
        breaks = try c.decodeIfPresent([AuditBreakDocument].self, forKey: .breaks) ?? []
        problems = try c.decodeIfPresent([String].self, forKey: .problems) ?? []
    }

    /// Encodes every key, the optional ones as explicit `null`s.
    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(ok, forKey: .ok)
        try c.encode(entries, forKey: .entries)
        try c.encode(head, forKey: .head)
        try c.encode(brokenAt, forKey: .brokenAt)
        try c.encode(problem, forKey: .problem)
        try c.encode(headSeq, forKey: .headSeq)
        try c.encode(anchor, forKey: .anchor)
        try c.encode(breaks, forKey: .breaks)
        try c.encode(problems, forKey: .problems)
    }
}

/// The anchor file's signed head, compared with the log.
public struct AuditAnchorDocument: Codable, Hashable, Sendable {
    /// `current` (it names the log's last entry), `behind` (an earlier entry of the log: normal
    /// between a commit and the anchor's replacement, or after a crash), `mismatch` (the log
    /// holds another entry at its sequence number, or none), `missing`, `unreadable` (or not
    /// signed by this device).
    public var state: String
    public var seq: Int64?
    public var hash: String?
    /// When the device signed it, ISO 8601.
    public var signedAt: String?

    public init(state: String, seq: Int64? = nil, hash: String? = nil, signedAt: String? = nil) {
        self.state = state
        self.seq = seq
        self.hash = hash
        self.signedAt = signedAt
    }
}

/// A chain break recorded in the audit log (an `audit.chain_break` entry): the log did not
/// reach the head that the anchor file, the daemon or a peer held.
public struct AuditBreakDocument: Codable, Hashable, Sendable {
    /// The chain break entry's sequence number (what `cairn audit acknowledge --break` takes).
    public var seq: Int64
    /// When it was recorded, ISO 8601.
    public var at: String
    /// `anchor`, `daemon` (seen while running) or `peer:agency/name`.
    public var source: String
    public var reason: String
    /// The head the log should have reached; nil when unknown (the anchor file was lost).
    public var expectedSeq: Int64?
    public var expectedHash: String?
    /// The entry found last (0 and nil: the log was empty).
    public var foundSeq: Int64
    public var foundHash: String?
    public var acknowledged: Bool
    /// Who acknowledged it (`uid:N`), when, and in which entry.
    public var acknowledgedBy: String?
    public var acknowledgedAt: String?
    public var acknowledgement: Int64?

    public init(
        seq: Int64, at: String, source: String, reason: String, expectedSeq: Int64?, expectedHash: String?, foundSeq: Int64,
        foundHash: String?, acknowledged: Bool, acknowledgedBy: String? = nil, acknowledgedAt: String? = nil, acknowledgement: Int64? = nil
    ) {
        self.seq = seq
        self.at = at
        self.source = source
        self.reason = reason
        self.expectedSeq = expectedSeq
        self.expectedHash = expectedHash
        self.foundSeq = foundSeq
        self.foundHash = foundHash
        self.acknowledged = acknowledged
        self.acknowledgedBy = acknowledgedBy
        self.acknowledgedAt = acknowledgedAt
        self.acknowledgement = acknowledgement
    }

    private enum CodingKeys: String, CodingKey {
        case seq, at, source, reason, expectedSeq, expectedHash, foundSeq, foundHash, acknowledged, acknowledgedBy, acknowledgedAt,
            acknowledgement
    }

    /// Encodes every key, the optional ones as explicit `null`s.
    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(seq, forKey: .seq)
        try c.encode(at, forKey: .at)
        try c.encode(source, forKey: .source)
        try c.encode(reason, forKey: .reason)
        try c.encode(expectedSeq, forKey: .expectedSeq)
        try c.encode(expectedHash, forKey: .expectedHash)
        try c.encode(foundSeq, forKey: .foundSeq)
        try c.encode(foundHash, forKey: .foundHash)
        try c.encode(acknowledged, forKey: .acknowledged)
        try c.encode(acknowledgedBy, forKey: .acknowledgedBy)
        try c.encode(acknowledgedAt, forKey: .acknowledgedAt)
        try c.encode(acknowledgement, forKey: .acknowledgement)
    }
}

/// `POST /v1/audit/acknowledge`: acknowledges one chain break.
public struct AuditAcknowledgeRequest: Codable, Hashable, Sendable {
    /// The chain break entry's sequence number.
    public var `break`: Int64

    public init(break seq: Int64) {
        self.break = seq
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

extension ControlErrorCode {
    /// No chain break is recorded at that entry of the audit log.
    public static let auditBreakNotFound = ControlErrorCode("audit_break_not_found", httpStatus: 404)
    /// The chain break is acknowledged already.
    public static let auditBreakAcknowledged = ControlErrorCode("audit_break_acknowledged", httpStatus: 409)
}
