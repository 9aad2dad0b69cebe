/// The bounds that keep one peer from exhausting a site's memory, CPU or bandwidth.
///
/// Receiving checks use the receiver's limits, so both sides of a federation should use the
/// defaults (or the same values): a sender configured above its peer's limits gets its frames
/// refused. Every default is chosen to be far above honest traffic and far below harm.
public struct SyncLimits: Hashable, Sendable {
    /// Largest serialized `SyncMessage` accepted or sent (4 MiB): checked on the length prefix
    /// before anything is buffered. It must exceed `maxEnvelopeBytes` plus a few bytes.
    public var maxFrameBytes: Int
    /// Largest delta envelope (2 MiB, as `SealedDelta.maxEnvelopeBytes`).
    public var maxEnvelopeBytes: Int
    /// Most deltas in one `Deltas` batch (256): the unit of acknowledgement.
    public var maxDeltasPerBatch: Int
    /// Target size of a batch (1 MiB of envelopes); one larger delta still goes alone.
    public var maxBatchBytes: Int
    /// Batches sent and not yet acknowledged (4): the backpressure window.
    public var maxUnackedBatches: Int
    /// Most streams a summary may count and a vector may hold (200,000). A vector travels in one
    /// frame, so in practice one of more than about 40,000 positions (of about 90 bytes) cannot
    /// be sent: two sites with that many common streams still agree by digest, but a session
    /// that must send such a vector fails with `vectorTooLarge` (vectors split over several
    /// frames would lift this).
    public var maxVectorStreams: Int
    /// Furthest a held delta may be ahead of its stream's head (10,000 sequence numbers).
    public var maxStreamGap: UInt64
    /// Most deltas waiting for a predecessor, over all streams (20,000).
    public var maxPendingDeltas: Int
    /// Most bytes waiting for a predecessor, over all streams (64 MiB).
    public var maxPendingBytes: Int
    /// Most certificates in one `Certificates` frame (10,000).
    public var maxCertificates: Int
    /// Largest serialized certificate (16 KiB; real ones are under 1 KiB).
    public var maxCertificateBytes: Int
    /// Most charters in one `Trust` frame: the amendments a peer may be behind by.
    public static let maxCharters = 64
    /// Largest serialized charter in a `Trust` frame (64 KiB; a charter of 100 agencies is
    /// about 6 KiB).
    public static let maxCharterBytes = 64 << 10
    /// Longest `Goodbye` reason, in UTF-8 bytes (512).
    public var maxReasonBytes: Int
    /// Summaries accepted from the peer per `summaryWindow` (180 per minute): each costs a digest
    /// of our vector and may make us send all of it. An honest peer sends at most one per
    /// anti-entropy interval (1 s at the shortest), plus keep-alive and `cairn sync` rounds.
    public var maxSummariesPerWindow: Int
    /// The sliding window of `maxSummariesPerWindow` (60 s).
    public var summaryWindow: Duration
    /// Round frames the peer may send in a row while an earlier round it opened is still
    /// unanswered, or that answer nothing we asked (4): more is `SyncError.flooding`.
    public var maxOverlappingRounds: Int

    /// The defaults documented on each property.
    public static let `default` = SyncLimits()

    /// Limits with the documented defaults, each overridable.
    public init(
        maxFrameBytes: Int = 4 << 20,
        maxEnvelopeBytes: Int = SealedDelta.maxEnvelopeBytes,
        maxDeltasPerBatch: Int = 256,
        maxBatchBytes: Int = 1 << 20,
        maxUnackedBatches: Int = 4,
        maxVectorStreams: Int = 200_000,
        maxStreamGap: UInt64 = 10_000,
        maxPendingDeltas: Int = 20_000,
        maxPendingBytes: Int = 64 << 20,
        maxCertificates: Int = 10_000,
        maxCertificateBytes: Int = 16 << 10,
        maxReasonBytes: Int = 512,
        maxSummariesPerWindow: Int = 180,
        summaryWindow: Duration = .seconds(60),
        maxOverlappingRounds: Int = 4
    ) {
        self.maxFrameBytes = maxFrameBytes
        self.maxEnvelopeBytes = maxEnvelopeBytes
        self.maxDeltasPerBatch = maxDeltasPerBatch
        self.maxBatchBytes = maxBatchBytes
        self.maxUnackedBatches = maxUnackedBatches
        self.maxVectorStreams = maxVectorStreams
        self.maxStreamGap = maxStreamGap
        self.maxPendingDeltas = maxPendingDeltas
        self.maxPendingBytes = maxPendingBytes
        self.maxCertificates = maxCertificates
        self.maxCertificateBytes = maxCertificateBytes
        self.maxReasonBytes = maxReasonBytes
        self.maxSummariesPerWindow = maxSummariesPerWindow
        self.summaryWindow = summaryWindow
        self.maxOverlappingRounds = maxOverlappingRounds
    }
}
