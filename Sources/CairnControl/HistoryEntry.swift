/// One delta that touched a record, as `GET /v1/records/{id}/history` lists it (oldest first).
///
/// Only the operations on the asked record are listed, even when the delta changed others too.
public struct HistoryEntry: Codable, Hashable, Sendable {
    /// The delta's author.
    public struct Author: Codable, Hashable, Sendable {
        /// The device reference (`agency/name`), or a short device id when unknown.
        public var by: String
        /// The author device's id, 64 lowercase hex digits.
        public var device: String

        /// Creates an author.
        public init(by: String, device: String) {
            self.by = by
            self.device = device
        }
    }

    /// The delta id, 64 lowercase hex digits.
    public var delta: String
    /// Who wrote the delta.
    public var author: Author
    /// The name of the level the delta was written at.
    public var level: String
    /// The delta's sequence number in its author's stream at that level.
    public var sequence: UInt64
    /// The delta's wall-clock time, ISO-8601 UTC.
    public var at: String
    /// The delta's hybrid logical clock, `<wallMillis>.<counter>`.
    public var hlc: String
    /// The delta's operations on this record, in order.
    public var operations: [OperationDocument]

    /// Creates a history entry.
    public init(
        delta: String, author: Author, level: String, sequence: UInt64, at: String, hlc: String,
        operations: [OperationDocument]
    ) {
        self.delta = delta
        self.author = author
        self.level = level
        self.sequence = sequence
        self.at = at
        self.hlc = hlc
        self.operations = operations
    }
}
