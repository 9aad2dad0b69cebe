/// What a site's services need of a store, and nothing else: the seam where a second storage
/// engine would go (Docs/Architecture.md, "The store"). `CairnDatabase` (SQLite through GRDB)
/// is its one engine.
///
/// Contract for any engine: reads see only committed batches; `commit` applies a whole
/// `WriteBatch` atomically and durably or throws having stored nothing (`StoreError`), and
/// refuses a batch whose audit entries do not continue the stored chain
/// (`StoreError.auditChainMoved`); every failure is an error, never an empty answer.
/// Start-up work (opening, migrations, re-keying) is engine-specific and stays outside.
public protocol SiteStore: AnyObject, Sendable {
    /// Where the store lives, for `status`.
    var path: String { get }
    /// WAL checkpoints that failed since opening (a health figure).
    var checkpointFailures: Int { get }
    func databaseSizeBytes() throws -> Int64
    func close() throws

    /// Makes one batch durable, atomically.
    func commit(_ batch: WriteBatch) throws
    func meta(_ key: String) throws -> [UInt8]?
    func setMeta(_ key: String, _ value: [UInt8]) throws

    // Records.
    func record(key: [UInt8]) throws -> RecordRow?
    func records(keys: [[UInt8]]) throws -> [RecordRow]
    func forEachRecord(level: String?, _ body: (RecordRow) throws -> Bool) throws
    func recordCounts() throws -> [String: Int]
    func recordDeltas(key: [UInt8], level: String) throws -> [(id: [UInt8], envelope: [UInt8])]
    func recordKeys(linkedTo deltaID: [UInt8]) throws -> [[UInt8]]
    func recordWithdrawals(key: [UInt8]) throws -> [RecordWithdrawalRow]
    func anyRetracted(keys: [[UInt8]]) throws -> Bool
    func prefetch(keys: [[UInt8]]) throws -> (records: [RecordRow], withdrawals: [RecordWithdrawalRow])
    func deltaIDs(forRecord key: [UInt8]) throws -> [[UInt8]]

    // Deltas and streams.
    func delta(id: [UInt8]) throws -> StoredDelta?
    func delta(author: [UInt8], level: String, sequence: UInt64) throws -> StoredDelta?
    func deltas(author: [UInt8], level: String, fromSequence: UInt64, limit: Int) throws -> [StoredDelta]
    func forEachDelta(_ body: (StoredDelta) throws -> Bool) throws
    func deltaCounts() throws -> [String: Int]
    func deltaCount(kind: Int) throws -> Int
    func streamHeads() throws -> [StreamHeadRow]
    func positionID(author: [UInt8], level: String, sequence: UInt64) throws -> [UInt8]?
    func firstSequences(author: [UInt8], stampedFrom wallMillis: UInt64) throws -> [String: UInt64]
    func unappliedEpochs() throws -> [(level: String, epochNumber: UInt32, epochKeyID: [UInt8])]
    func unappliedDeltas(level: String, epochNumber: UInt32, epochKeyID: [UInt8], limit: Int) throws -> [StoredDelta]
    func deltaIDs(author: [UInt8], level: String, from: UInt64, through: UInt64) throws -> [UInt64: [UInt8]]
    func recordKeys(author: [UInt8], level: String, from: UInt64, through: UInt64) throws -> [[UInt8]]
    func quarantine(deltaID: [UInt8], reason: String, detectedAt: Int64?) throws
    func quarantined() throws -> [QuarantineRow]

    // Keys and trust.
    func epochKeys() throws -> [EpochKeyRow]
    func grantsSeen() throws -> [GrantSeen]
    func devices() throws -> [DeviceRow]
    func revocations() throws -> [RevocationRow]

    // Peers, vectors and bundles.
    func peers() throws -> [PeerRow]
    func savePeer(_ peer: PeerRow) throws
    func removePeer(named name: String) throws -> Bool
    func peerVector(device: [UInt8]) throws -> (vector: [UInt8], receivedAt: Int64)?
    func savePeerVector(device: [UInt8], vector: [UInt8], receivedAt: Int64) throws
    func bundleSeen(_ bundleID: [UInt8]) throws -> BundleSeenRow?
    func saveBundleSeen(_ row: BundleSeenRow) throws -> Bool

    // Audit.
    func appendAudit(_ rows: [AuditRow]) throws
    func auditHead() throws -> (seq: Int64, hash: [UInt8])?
    func auditEntry(seq: Int64) throws -> AuditRow?
    func auditEntries(after: Int64, limit: Int) throws -> [AuditRow]
    func auditBreakEntries() throws -> [AuditRow]
    func forEachAudit(_ body: (AuditRow) throws -> Bool) throws
    func witnessedAuditHeads() throws -> [AuditWitnessRow]
    func keepWitnessedAuditHeads(_ heads: [AuditWitnessRow]) throws
}

extension CairnDatabase: SiteStore {}

/// The defaults `CairnDatabase` gives its callers, for callers holding any engine.
extension SiteStore {
    public func forEachRecord(_ body: (RecordRow) throws -> Bool) throws {
        try forEachRecord(level: nil, body)
    }

    public func quarantine(deltaID: [UInt8], reason: String) throws {
        try quarantine(deltaID: deltaID, reason: reason, detectedAt: nil)
    }

    public func unappliedDeltas(level: String, epochNumber: UInt32, epochKeyID: [UInt8]) throws -> [StoredDelta] {
        try unappliedDeltas(level: level, epochNumber: epochNumber, epochKeyID: epochKeyID, limit: Int.max)
    }

    public func auditEntries(after: Int64 = 0) throws -> [AuditRow] {
        try auditEntries(after: after, limit: 1000)
    }
}
