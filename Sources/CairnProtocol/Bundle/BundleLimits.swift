/// The bounds a reader applies to a bundle or a vector file, each checked before the bytes it
/// guards are allocated or parsed.
public struct BundleLimits: Hashable, Sendable {
    /// Largest whole bundle file.
    public var maxBundleBytes: Int
    /// Largest serialized header (it holds a certificate, a sealed key and a few counts).
    public var maxHeaderBytes: Int
    /// Largest chunk plaintext; a writer aims at `chunkTargetBytes` and puts a larger item alone.
    public var maxChunkBytes: Int
    /// What a writer packs into one chunk before starting the next.
    public var chunkTargetBytes: Int
    /// Most chunks in one bundle.
    public var maxChunks: Int
    /// Most items (deltas, certificates, revocations) in one chunk.
    public var maxItemsPerChunk: Int
    /// Largest certificate or revocation carried.
    public var maxTrustObjectBytes: Int
    /// Largest vector file.
    public var maxVectorFileBytes: Int

    /// Builds limits; the defaults are the protocol's.
    public init(
        maxBundleBytes: Int = 1 << 30, maxHeaderBytes: Int = 64 * 1024, maxChunkBytes: Int = 4 * 1024 * 1024,
        chunkTargetBytes: Int = 1024 * 1024, maxChunks: Int = 1 << 20, maxItemsPerChunk: Int = 100_000,
        maxTrustObjectBytes: Int = 64 * 1024, maxVectorFileBytes: Int = 16 * 1024 * 1024
    ) {
        self.maxBundleBytes = maxBundleBytes
        self.maxHeaderBytes = maxHeaderBytes
        self.maxChunkBytes = maxChunkBytes
        self.chunkTargetBytes = chunkTargetBytes
        self.maxChunks = maxChunks
        self.maxItemsPerChunk = maxItemsPerChunk
        self.maxTrustObjectBytes = maxTrustObjectBytes
        self.maxVectorFileBytes = maxVectorFileBytes
    }

    /// The protocol's limits.
    public static let `default` = BundleLimits()
}
