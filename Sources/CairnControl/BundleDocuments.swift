/// The body of `POST /v1/bundles/export`.
public struct BundleExportRequest: Codable, Hashable, Sendable {
    /// The recipient, `agency/name`.
    public var recipient: String
    /// A vector file the recipient exported (`cairn bundle vector`), base64; without it the
    /// last vector this site received from the recipient is used, or none.
    public var since: String?

    /// Creates a request.
    public init(recipient: String, since: String? = nil) {
        self.recipient = recipient
        self.since = since
    }

    private enum CodingKeys: String, CodingKey {
        case recipient = "for"
        case since
    }
}

/// What an exported bundle carries: sent in the `Cairn-Bundle` response header (JSON) of
/// `POST /v1/bundles/export`, whose body is the bundle file.
public struct BundleExportDocument: Codable, Hashable, Sendable {
    /// The bundle id, 32 hex digits.
    public var bundle: String
    /// The recipient, `agency/name`, and its clearance.
    public var recipient: String
    public var clearance: String
    /// Where the recipient's holdings came from: "file" (--since), "stored" (the last vector
    /// received from it over sync or in a vector file), or "none" (everything it may hold).
    public var vector: String
    /// When that vector was made or received, ISO-8601; nil for "none".
    public var vectorAt: String?
    /// Levels of the deltas carried, lowest first.
    public var levels: [String]
    public var deltas: Int
    public var certificates: Int
    public var revocations: Int
    /// The file's size in bytes.
    public var bytes: Int
    /// False when the recipient lacks more than one bundle may carry: import this one, export a
    /// new vector there, and export again.
    public var complete: Bool

    /// Creates a document.
    public init(
        bundle: String, recipient: String, clearance: String, vector: String, vectorAt: String?, levels: [String], deltas: Int,
        certificates: Int, revocations: Int, bytes: Int, complete: Bool
    ) {
        self.bundle = bundle
        self.recipient = recipient
        self.clearance = clearance
        self.vector = vector
        self.vectorAt = vectorAt
        self.levels = levels
        self.deltas = deltas
        self.certificates = certificates
        self.revocations = revocations
        self.bytes = bytes
        self.complete = complete
    }

    private enum CodingKeys: String, CodingKey {
        case bundle, recipient, clearance, vector, vectorAt, levels, deltas, certificates, revocations, bytes, complete
    }

    /// Encodes every key, `vectorAt` as an explicit `null`.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(bundle, forKey: .bundle)
        try container.encode(recipient, forKey: .recipient)
        try container.encode(clearance, forKey: .clearance)
        try container.encode(vector, forKey: .vector)
        try container.encodeOptional(vectorAt, forKey: .vectorAt)
        try container.encode(levels, forKey: .levels)
        try container.encode(deltas, forKey: .deltas)
        try container.encode(certificates, forKey: .certificates)
        try container.encode(revocations, forKey: .revocations)
        try container.encode(bytes, forKey: .bytes)
        try container.encode(complete, forKey: .complete)
    }
}

/// The answer of `POST /v1/bundles/import`: what the bundle carried and what became of it.
public struct BundleImportDocument: Codable, Hashable, Sendable {
    /// The bundle id, 32 hex digits.
    public var bundle: String
    /// The sender, `agency/name`, and when it made the bundle (ISO-8601).
    public var sender: String
    public var createdAt: String
    /// True for `--dry-run`: everything was checked and nothing was stored.
    public var dryRun: Bool
    public var levels: [String]
    /// What it carried.
    public var deltas: Int
    public var certificates: Int
    public var revocations: Int
    /// Deltas beyond what this site held when the import began (what a dry run would store).
    public var new: Int
    /// Deltas left out because they were refused for a reason that does not blame the sender
    /// (their author was revoked or its certificate expired, this site does not know it, …),
    /// by reason in `skippedReasons`; the rest of the bundle is imported. Known in a dry run too.
    public var skipped: Int
    public var skippedReasons: [String: Int]
    /// What the import did (all zero for a dry run): deltas stored, already held, waiting for
    /// a predecessor, refused (by reason in `refusals`), certificates and revocations learned.
    public var stored: Int
    public var duplicate: Int
    public var pending: Int
    public var refused: Int
    public var refusals: [String: Int]
    public var certificatesLearned: Int
    public var revocationsLearned: Int

    /// Creates a document.
    public init(
        bundle: String, sender: String, createdAt: String, dryRun: Bool, levels: [String], deltas: Int, certificates: Int,
        revocations: Int, new: Int, skipped: Int = 0, skippedReasons: [String: Int] = [:], stored: Int = 0, duplicate: Int = 0, pending: Int = 0, refused: Int = 0,
        refusals: [String: Int] = [:], certificatesLearned: Int = 0, revocationsLearned: Int = 0
    ) {
        self.bundle = bundle
        self.sender = sender
        self.createdAt = createdAt
        self.dryRun = dryRun
        self.levels = levels
        self.deltas = deltas
        self.certificates = certificates
        self.revocations = revocations
        self.new = new
        self.skipped = skipped
        self.skippedReasons = skippedReasons
        self.stored = stored
        self.duplicate = duplicate
        self.pending = pending
        self.refused = refused
        self.refusals = refusals
        self.certificatesLearned = certificatesLearned
        self.revocationsLearned = revocationsLearned
    }
}

/// One line of the NDJSON answer of `POST /v1/bundles/import?progress=true`: progress lines,
/// then exactly one `result` or `error` line.
public struct BundleProgressEvent: Codable, Hashable, Sendable {
    /// "progress", "result" or "error"; for an export also "chunk" and "export".
    public var event: String
    /// For progress: "verify" (checking every chunk and delta) or "store" of an import; "read"
    /// (collecting deltas) or "seal" (encrypting and signing) of an export.
    public var phase: String?
    /// For progress: deltas done in this phase, of `total`.
    public var done: Int?
    public var total: Int?
    public var result: BundleImportDocument?
    public var error: BundleProgressError?
    /// For an export with progress: the `export` line ends it with what the bundle carries,
    /// after the bundle's bytes in `chunk` lines (`data`: base64 of at most `maxChunkBytes`).
    public var export: BundleExportDocument?
    public var data: String?

    /// Largest bundle slice one `chunk` line carries (before base64).
    public static let maxChunkBytes = 1 << 20

    /// Creates an event.
    public init(
        event: String, phase: String? = nil, done: Int? = nil, total: Int? = nil, result: BundleImportDocument? = nil,
        error: BundleProgressError? = nil, export: BundleExportDocument? = nil, data: String? = nil
    ) {
        self.event = event
        self.phase = phase
        self.done = done
        self.total = total
        self.result = result
        self.error = error
        self.export = export
        self.data = data
    }
}

/// The refusal of an `error` line: the same code and message as an error response.
public struct BundleProgressError: Codable, Hashable, Sendable {
    public var code: String
    public var message: String

    /// Creates a refusal.
    public init(code: String, message: String) {
        self.code = code
        self.message = message
    }
}
