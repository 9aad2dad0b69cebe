/// The body of `POST /v1/records/{id}/reclassify`: the level to move the record to, and the
/// level it is moved from when the site holds the id at more than one level.
public struct ReclassifyRequest: Codable, Hashable, Sendable {
    /// One of the charter's levels, higher or lower than the record's.
    public var classification: String
    /// The level of the record to move; needed only when this site holds the id at several
    /// levels (otherwise the one record held is moved).
    public var from: String?

    /// Creates a request.
    public init(classification: String, from: String? = nil) {
        self.classification = classification
        self.from = from
    }
}

/// The body of `POST /v1/records/{id}/retract`: why the record is withdrawn for everyone.
public struct RetractRequest: Codable, Hashable, Sendable {
    /// Free text, 1 to 1,024 bytes; it travels (encrypted) in the tombstone.
    public var reason: String

    /// Creates a request.
    public init(reason: String) {
        self.reason = reason
    }
}

/// What a retraction did: the record's id and level, the tombstone delta, and how many of the
/// record's delta bodies this site dropped.
public struct RetractDocument: Codable, Hashable, Sendable {
    public var id: String
    /// The level the record was retracted from.
    public var classification: String
    /// Id of the tombstone delta, 64 hex digits.
    public var delta: String
    /// Delta bodies this site redacted.
    public var redacted: Int

    /// Creates a document.
    public init(id: String, classification: String, delta: String, redacted: Int) {
        self.id = id
        self.classification = classification
        self.delta = delta
        self.redacted = redacted
    }
}
