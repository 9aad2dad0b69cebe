/// Everything one step of the daemon wants durable at once.
///
/// `CairnDatabase.commit` writes a batch in one transaction, so that deltas, the record states
/// derived from them, their history links, new epoch keys and bookkeeping such as the clock's
/// high-water mark can never disagree after a crash.
public struct WriteBatch: Hashable, Sendable {
    /// Deltas to append, in stream order within each stream.
    public var deltas: [NewDelta]
    /// Record states to insert or replace.
    public var records: [RecordRow]
    /// History links from records to deltas (stored earlier or in this batch).
    public var links: [RecordDeltaLink]
    /// Epoch keys to keep; a key already stored (same level, number and id) is left as it is.
    public var epochKeys: [EpochKeyRow]
    /// Meta entries to set, replacing earlier values.
    public var meta: [String: [UInt8]]
    /// Audit entries to append, continuing the stored chain in order.
    public var audit: [AuditRow]
    /// Device certificates learned; a device already known is replaced (a renewed certificate).
    public var devices: [DeviceRow] = []
    /// Deltas stored (in this batch or earlier) whose epoch key this site does not hold yet.
    public var unapplied: [UnappliedDelta] = []
    /// Deltas no longer waiting for a key: applied now.
    public var applied: [[UInt8]] = []
    /// Grants seen: which device was given which epoch key.
    public var grants: [GrantSeen] = []
    /// Deltas refused as evidence (an equivocating second delta at a taken position), never
    /// stored as deltas.
    public var evidence: [QuarantineRow] = []
    /// Revocations learned (verified by the caller); one already held is kept as it is.
    public var revocations: [RevocationRow] = []
    /// Records and delta bodies withdrawn (reclassification, retraction).
    public var redaction = RedactionBatch()
    /// Ends of streams withdrawn (a retroactive revocation), applied after everything else of the
    /// batch, so they may take deltas this batch stores.
    public var truncations: [StreamTruncation] = []

    /// Builds a batch; every part defaults to empty.
    public init(
        deltas: [NewDelta] = [], records: [RecordRow] = [], links: [RecordDeltaLink] = [],
        epochKeys: [EpochKeyRow] = [], meta: [String: [UInt8]] = [:], audit: [AuditRow] = []
    ) {
        self.deltas = deltas
        self.records = records
        self.links = links
        self.epochKeys = epochKeys
        self.meta = meta
        self.audit = audit
    }

    /// True when committing would write nothing.
    public var isEmpty: Bool {
        deltas.isEmpty && records.isEmpty && links.isEmpty && epochKeys.isEmpty && meta.isEmpty && audit.isEmpty
            && devices.isEmpty && unapplied.isEmpty && applied.isEmpty && grants.isEmpty && evidence.isEmpty
            && revocations.isEmpty && redaction.isEmpty && truncations.isEmpty
    }
}
