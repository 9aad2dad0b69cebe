/// What `GET /v1/digest` reports: a fingerprint of every record this site holds, per level and
/// overall, so that two sites can tell whether they hold the same records without comparing
/// them one by one.
///
/// Two sites holding the same records (the same fields, conflicts, tags and deletion, down to
/// the merge state behind them) report the same digest, whatever order the deltas arrived in.
/// Only levels at or below the site's clearance are listed, like `status`. The encoding that
/// is hashed is specified in Docs/ControlAPI.md ("State digest").
public struct DigestDocument: Codable, Hashable, Sendable {
    /// One level's records.
    public struct Level: Codable, Hashable, Sendable {
        /// Records held at the level, deleted ones included.
        public var records: Int
        /// BLAKE2b-256 of the level's records, 64 lowercase hex digits.
        public var digest: String

        /// Creates a level entry.
        public init(records: Int, digest: String) {
            self.records = records
            self.digest = digest
        }
    }

    /// Every level the site holds, by name.
    public var levels: [String: Level]
    /// BLAKE2b-256 over the per-level digests, 64 lowercase hex digits: equal at two sites of
    /// the same clearance exactly when every level is equal.
    public var digest: String

    /// Creates a digest document.
    public init(levels: [String: Level], digest: String) {
        self.levels = levels
        self.digest = digest
    }
}
