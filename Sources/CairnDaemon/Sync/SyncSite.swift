import CairnModel
import CairnProtocol
import CairnTrust

/// What a sync link needs of its site, and nothing more: the site's fixed identity, a few reads
/// of its committed state, and the store work that what a peer sends (or is sent) causes.
///
/// Sync holds this, never the site itself: it never takes a lock of the site's, never sees its
/// ledger state or its database, and only gets domain values back. `Site+SyncInterface.swift`
/// is the one conformance.
///
/// Two kinds of operation, and the difference is the threading contract:
/// - **In memory** (identity, `charter`, `isWithdrawn`, `vector`, `auditHeads`,
///   `rememberVector`): reads of committed state taken under a lock held for a copy, never
///   across I/O, or a hand-off to a queue. They may be called on an event loop.
/// - **Blocking** (everything that `throws`, plus `certificates` and `flushWitnessed`): store
///   reads or a durable group commit. Never on an event loop: `PeerLink` runs them on its
///   serial queue or the `NIOThreadPool` and hops the result back.
protocol SyncSite: Sendable {
    // MARK: Identity, fixed for the life of the process

    var deviceID: DeviceID { get }
    /// The levels of the charter this device was certified under.
    var levels: LevelLattice { get }
    /// This device's certified clearance.
    var clearance: String { get }
    /// This device's certificate, as it signed it (what goes in our `Hello`).
    var certificate: DeviceCertificate { get }
    var federationID: [UInt8] { get }
    var metrics: SiteMetrics { get }

    // MARK: Committed state, in memory (may be called on an event loop)

    /// The newest charter accepted.
    func charter() -> Charter
    /// Whether `certificate` is revoked or withdrawn by the charter.
    func isWithdrawn(_ certificate: DeviceCertificate) -> Bool
    /// The version vector over the streams of `levels`, sorted: the positions a round compares.
    func vector(levels: Set<String>) -> [StreamPosition]
    /// What this site sends `peer` as audit heads: its own signed head (only to a peer cleared
    /// at least as high) and the newest head of the peer's log held.
    func auditHeads(for peer: DeviceCertificate) -> (own: AuditHead?, yours: AuditHead?)
    /// Keeps the vector a peer sent for later bundles; the write happens on a queue of its own
    /// (a lost write only costs duplicates in a bundle).
    func rememberVector(_ positions: [StreamPosition], of peer: DeviceID)

    // MARK: Store work (blocking: never on an event loop)

    /// The certificates `peer` may be given: of devices cleared no higher than it, and of the
    /// authors of streams at `levels` (it needs them to verify those deltas).
    func certificates(sharedWith peer: DeviceCertificate, levels: Set<String>) -> [DeviceCertificate]
    /// The certificates of `devices` that this site knows.
    func certificates(of devices: Set<DeviceID>) -> [DeviceCertificate]
    /// How far the trust objects have come (in memory).
    func trustMark() -> TrustMark
    /// Every revocation held, and the charters held above `version` (oldest first): what a peer
    /// that holds charter `version` is given. Throws when the charter history cannot be read: a
    /// peer must not be told "nothing new" while an amendment withdrew devices.
    func trust(after version: UInt64) throws -> TrustObjects
    /// Keeps verified device certificates and grants them the keys they are cleared for.
    /// `serving` is the peer just admitted: it is granted every key it lacks at once, whoever
    /// is responsible for the key, so that its keys arrive before any backlog. Returns how many
    /// certificates were new.
    @discardableResult
    func learn(_ certificates: [DeviceCertificate], from source: String, serving: DeviceID?) throws -> Int
    /// `learn` for a peer just admitted (`serving`): returns the GRANT deltas written for it in
    /// that group, to send it ahead of their stream (`earlyGrants`).
    func learnServing(_ certificate: DeviceCertificate, from source: String) throws -> [[UInt8]]
    /// Takes the keys of GRANT deltas an admitted peer sent ahead of their streams; queued on
    /// the ledger like `ingest`, `done` gets the report (refusals) once the group is durable.
    func takeEarlyGrants(_ envelopes: [[UInt8]], from source: DeltaSource, done: @escaping @Sendable (Result<IngestReport, any Error>) -> Void)
    /// Accepts charter amendments passed on by a peer, oldest first. Returns how many were new.
    @discardableResult
    func accept(charters: [[UInt8]], from source: String) throws -> Int
    /// Accepts revocations passed on by a peer (verified against the newest charter: accept the
    /// amendments that came with them first). Returns how many were new.
    @discardableResult
    func accept(revocations: [[UInt8]], from source: String) throws -> Int
    /// A peer's connection was admitted (`connected`) or closed: a key holder grants what the
    /// devices connected to it lack at once. In memory, from any thread.
    func noteConnection(of device: DeviceID, connected: Bool)
    /// Verifies a batch of received envelopes (on the calling thread) and queues the storing of
    /// what is valid as one ledger job; `done` gets the report once the group is durable, from
    /// the ledger's queue (it must only hand the result on). The caller then passes the report
    /// to `recordIngest`, off that queue.
    func ingest(_ envelopes: [[UInt8]], from source: DeltaSource, done: @escaping @Sendable (Result<IngestReport, any Error>) -> Void)
    /// Counts and logs the refusals of a stored batch (counts and reasons only). From any
    /// thread but the ledger's.
    func recordIngest(_ report: IngestReport, from source: DeltaSource)
    /// Up to `limit` stored deltas of `stream` from sequence `from` on, in sequence order: what a
    /// `Deltas` batch is built from.
    func deltas(of stream: StreamID, from: UInt64, limit: Int) throws -> [(sequence: UInt64, envelope: [UInt8])]
    /// Takes the audit heads an admitted peer sent; a forged head or another device's passed off
    /// is refused.
    func receiveAuditHeads(own: AuditHead?, yours: AuditHead?, from peer: DeviceCertificate) throws(AuditService.AuditHeadRefusal)
    /// Writes the peer's newest audit head to the store if it is not yet (when its link closes).
    func flushWitnessed(_ device: DeviceID)
}

/// What `SyncService` needs beyond the links' `SyncSite`: the feeds it relays, the peers added
/// at run time, and the received deltas waiting for a predecessor (a gauge).
protocol SyncServiceSite: SyncSite {
    /// Positions of the deltas each committed group stored: gossip pushes them at once.
    var deltaFeed: DeltaFeed { get }
    /// Signalled after a group withdrew a device: its links close, every other peer is told.
    var withdrawalFeed: Feed<Void> { get }
    /// Received deltas waiting for a missing predecessor, and their bytes (in memory).
    func waitingDeltas() -> (count: Int, bytes: Int)
    /// The peers added with `cairn peer add`, by name (blocking).
    func addedPeers() throws -> [(name: String, address: String)]
    /// Keeps a peer added at run time (blocking).
    func addPeer(name: String, address: String, addedAt: Int64) throws
    /// Forgets a peer added at run time; false when none has that name (blocking).
    func removeAddedPeer(named name: String) throws -> Bool
}

/// What a peer is given of this site's trust objects.
struct TrustObjects: Sendable {
    /// How far the site's trust had come when these were read (read first: the objects hold at
    /// least what it says).
    var mark: TrustMark
    /// Every revocation held, serialized as signed.
    var revocations: [[UInt8]]
    /// The signed charters above the version asked for, oldest first.
    var charters: [[UInt8]]

    var isEmpty: Bool { revocations.isEmpty && charters.isEmpty }
}

/// How far a site's trust objects have come: a charter amendment or a revocation moves it
/// (both are taken in the same durable group as the key rotation they cause, so the mark has
/// moved before any rotated grant is pushed). A link sends the trust objects again before its
/// next batch when the site's mark is ahead of what the link sent: a peer must hold an
/// amendment or revocation before the grants that follow from it, or it could pass a rotated
/// key on to a device it does not yet know is withdrawn.
struct TrustMark: Hashable, Sendable {
    var charterVersion: UInt64
    var revocations: Int

    /// Whether this mark has something `sent` lacks (everything, when nothing was sent).
    func isAhead(of sent: TrustMark?) -> Bool {
        guard let sent else { return true }
        return charterVersion > sent.charterVersion || revocations > sent.revocations
    }

    /// The later of the two in each part.
    func merged(with other: TrustMark?) -> TrustMark {
        guard let other else { return self }
        return TrustMark(charterVersion: max(charterVersion, other.charterVersion), revocations: max(revocations, other.revocations))
    }
}
