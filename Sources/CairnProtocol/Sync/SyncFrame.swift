import CairnModel

/// One message of the sync protocol (`SyncMessage` in `Proto/cairn/v1/sync.proto`), with every
/// field checked against the protocol's rules and the receiver's limits.
///
/// The daemon decodes every frame with `decode(_:limits:)` as it arrives, so nothing past this
/// boundary sees an unchecked byte: the session, the outbox and the pending buffer trust what
/// a `SyncFrame` holds.
public enum SyncFrame: Hashable, Sendable, CustomStringConvertible {
    /// The protocol version this build speaks and requires in `Hello`.
    public static let protocolVersion: UInt32 = 1
    /// The length of a federation id (the charter's).
    public static let federationIDLength = 16
    /// `Hello.features` bit: the sender understands `AuditHeads` frames.
    public static let auditHeadsFeature: UInt64 = 1
    /// `Hello.features` bit: the sender reads and writes GRANT deltas in the copies form
    /// (`GrantCopies`). Informative: a release without it stores and relays such deltas but
    /// cannot open their keys (Docs/Protocol.md, "Epoch keys and grants").
    public static let grantCopiesFeature: UInt64 = 2
    /// `Hello.features` bit: the sender speaks protocol 2 (range-based reconciliation, `reconcile`
    /// frames). A round uses it only when both sides announce it; otherwise whole vectors.
    public static let reconcileFeature: UInt64 = 4
    /// `Hello.features` bit: the sender's reconcile sessions accept a whole list (a REPLY
    /// answering a FINGERPRINT: the items of a small differing range, values included). A side
    /// sends whole lists only to a peer that announced it (`ReconcileLimits.wholeListItems`).
    public static let reconcileListsFeature: UInt64 = 8
    /// The sender takes keys from `earlyGrants` frames (FEATURE_EARLY_GRANTS).
    public static let earlyGrantsFeature: UInt64 = 16
    /// Most envelopes in one `earlyGrants` frame.
    public static let maxEarlyGrants = 64
    /// The features this build announces in its `Hello`.
    public static let features: UInt64 =
        auditHeadsFeature | grantCopiesFeature | reconcileFeature | reconcileListsFeature | earlyGrantsFeature

    /// The first message of each side: who it is and what federation it belongs to.
    case hello(HelloFrame)
    /// Opens a round: the digest of the sender's vector over the common levels.
    case summary(round: UInt64, digest: [UInt8], streams: UInt32)
    /// Closes a round: the responder's digest is equal.
    case agree(round: UInt64)
    /// A vector, sorted by stream; `reply` when it answers a vector (and is never answered).
    case vector(round: UInt64, positions: [StreamPosition], reply: Bool)
    /// A batch of delta envelopes, verbatim, each stream in sequence order.
    case deltas(batch: UInt64, envelopes: [[UInt8]])
    /// What the receiver did with one batch.
    case ack(AckCounts)
    /// Serialized device certificates of authors the receiver may be sent deltas of.
    case certificates([[UInt8]])
    /// Longest refusal code a Goodbye may carry (codes are short identifiers).
    public static let maxGoodbyeCodeBytes = 64

    /// Sent before closing on purpose: why, and the refusal code when the sender refused a
    /// device this federation certified (empty otherwise, and from older senders).
    case goodbye(String, code: String = "")
    /// Revocations and charter amendments: what changes whom the receiver trusts.
    case trust(revocations: [[UInt8]], charters: [[UInt8]])
    /// The sender's signed audit head, and the receiver's that the sender holds (at least one).
    /// Only sent to a peer whose `Hello` announced `auditHeadsFeature`.
    case auditHeads(own: AuditHead?, yours: AuditHead?)
    /// One serialized `ReconcileMessage`, kept as bytes: `ReconcileMessage.decode` is its only
    /// parser, with the session's own limits. Only sent to a peer whose `Hello` announced
    /// `reconcileFeature`.
    case reconcile([UInt8])
    /// GRANT delta envelopes with keys for the receiver, ahead of their streams (sync.proto,
    /// `EarlyGrants`); only to a peer that announced `earlyGrantsFeature`.
    case earlyGrants([[UInt8]])

    /// The kind's name, for logs and errors ("summary", "vector"…).
    public var kind: String {
        switch self {
        case .hello: return "hello"
        case .summary: return "summary"
        case .agree: return "agree"
        case .vector: return "vector"
        case .deltas: return "deltas"
        case .ack: return "ack"
        case .certificates: return "certificates"
        case .goodbye: return "goodbye"
        case .trust: return "trust"
        case .auditHeads: return "audit_heads"
        case .reconcile: return "reconcile"
        case .earlyGrants: return "early_grants"
        }
    }

    /// The kind and its small fields, for logs: never envelope or certificate bytes, never a
    /// vector's positions (only their count).
    public var description: String {
        switch self {
        case .hello(let hello): return "hello(protocol \(hello.protocolVersion), charter \(hello.charterVersion))"
        case .summary(let round, _, let streams): return "summary(round \(round), \(streams) streams)"
        case .agree(let round): return "agree(round \(round))"
        case .vector(let round, let positions, let reply):
            return "vector(round \(round), \(positions.count) positions\(reply ? ", reply" : ""))"
        case .deltas(let batch, let envelopes): return "deltas(batch \(batch), \(envelopes.count) envelopes)"
        case .ack(let counts):
            return "ack(batch \(counts.batch): \(counts.stored) stored, \(counts.duplicate) duplicate, "
                + "\(counts.pending) pending, \(counts.refused) refused)"
        case .certificates(let certificates): return "certificates(\(certificates.count))"
        case .goodbye(let reason, _): return "goodbye(\(reason.utf8.count) bytes)"
        case .trust(let revocations, let charters): return "trust(\(revocations.count) revocations, \(charters.count) charters)"
        case .auditHeads(let own, let yours):
            return "audit_heads(own \(own.map { "\($0.seq)" } ?? "none"), yours \(yours.map { "\($0.seq)" } ?? "none"))"
        case .reconcile(let bytes): return "reconcile(\(bytes.count) bytes)"
        case .earlyGrants(let envelopes): return "early_grants(\(envelopes.count))"
        }
    }
}

/// The content of a `Hello`. The certificate is only checked for size here: the daemon
/// verifies it against the charter and the TLS key before it trusts anything else.
public struct HelloFrame: Hashable, Sendable {
    /// The protocol version (1).
    public var protocolVersion: UInt32
    /// The federation's id (16 bytes), from the charter.
    public var federationID: [UInt8]
    /// The charter version the sender holds (at least 1).
    public var charterVersion: UInt64
    /// The sender's device certificate, a serialized `Signed`.
    public var certificate: [UInt8]
    /// The optional features the sender understands (`SyncFrame.auditHeadsFeature`, …); 0 from
    /// a peer that predates them.
    public var features: UInt64
    /// The port of the sender's own sync listener (0: not said). For display only: which
    /// configured peer an inbound connection is (Docs/Protocol.md, "Hello and admission").
    public var listenPort: UInt16

    /// Builds a hello; `protocolVersion` and `features` default to what this build speaks.
    public init(
        protocolVersion: UInt32 = SyncFrame.protocolVersion, federationID: [UInt8], charterVersion: UInt64,
        certificate: [UInt8], features: UInt64 = SyncFrame.features, listenPort: UInt16 = 0
    ) {
        self.protocolVersion = protocolVersion
        self.federationID = federationID
        self.charterVersion = charterVersion
        self.certificate = certificate
        self.features = features
        self.listenPort = listenPort
    }

    /// Whether the sender announced `feature`.
    public func announces(_ feature: UInt64) -> Bool { features & feature == feature }
}

/// The receiver's account of one `Deltas` batch: every delta of it is counted exactly once.
public struct AckCounts: Hashable, Sendable {
    /// The batch id being acknowledged.
    public var batch: UInt64
    /// Deltas stored now.
    public var stored: UInt32
    /// Deltas already held.
    public var duplicate: UInt32
    /// Deltas kept waiting for a missing predecessor.
    public var pending: UInt32
    /// Deltas refused (bad signature, unknown author, level not allowed, equivocation…).
    public var refused: UInt32

    /// Builds an acknowledgement.
    public init(batch: UInt64, stored: UInt32 = 0, duplicate: UInt32 = 0, pending: UInt32 = 0, refused: UInt32 = 0) {
        self.batch = batch
        self.stored = stored
        self.duplicate = duplicate
        self.pending = pending
        self.refused = refused
    }

    /// All deltas counted.
    public var total: UInt64 { UInt64(stored) + UInt64(duplicate) + UInt64(pending) + UInt64(refused) }

    /// Whether the receiver now holds every delta of the batch (stored or already held).
    public var allHeld: Bool { pending == 0 && refused == 0 }
}
