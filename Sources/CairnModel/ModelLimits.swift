/// Limits enforced on every write.
///
/// Records travel to every cleared peer and are kept forever in their history, so one careless or
/// hostile write must not be able to exhaust a peer's memory, disk or bandwidth. Peers check the
/// same limits on receipt (`Change.validate()`), so a change that passes locally passes
/// everywhere. Sizes are upper bounds of the compact JSON encoding (`FieldValue.encodedSizeEstimate`).
public enum ModelLimits {
    /// Longest field name, in bytes; names use `[A-Za-z0-9_.-]`.
    public static let maxFieldNameBytes = 128
    /// Largest encoded field value: big enough for a long narrative, small enough to hold in memory.
    public static let maxFieldValueBytes = 65_536
    /// Most fields one record may hold.
    public static let maxFieldsPerRecord = 256
    /// Longest tag, in bytes; tags are printable text without whitespace or control characters.
    public static let maxTagBytes = 128
    /// Most tags one record may carry.
    public static let maxTagsPerRecord = 64
    /// Longest record type, in bytes; types use `[a-z0-9][a-z0-9_-]*`.
    public static let maxTypeBytes = 64
    /// Largest record: the sum of its field names, values, tags and type, encoded.
    public static let maxRecordBytes = 1_048_576
    /// Most operations one change may carry, so one delta stays small enough to verify quickly.
    public static let maxOperationsPerChange = 1024
    /// Longest reason of a withdrawal (retraction or reclassification), in UTF-8 bytes.
    public static let maxReasonBytes = 1024
    /// Most delta ids one withdrawal lists; 50,000 ids fit well inside a 2 MiB delta. A record
    /// with more deltas at the level is still withdrawn whole: receivers find the rest through
    /// their own history links.
    public static let maxRedactedDeltas = 50_000
    /// Deepest nesting of arrays and objects in a field value, so that decoding and checking a
    /// value cannot overflow the stack.
    public static let maxNestingDepth = 32
}
