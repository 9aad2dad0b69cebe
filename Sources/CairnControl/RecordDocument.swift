/// The one JSON shape of a record, as `GET /v1/records/{id}` returns it.
///
/// The writable part (`id`, `type`, `classification`, `fields`, `tags`) is what a
/// `PutRecordRequest` carries; `created`, `updated`, `deleted` and `conflicts` are read-only and
/// filled by the daemon. Because a `PutRecordRequest` accepts and ignores the read-only keys, a
/// document can round-trip through `get --json | edit | put --from -`.
public struct RecordDocument: Codable, Hashable, Sendable {
    /// The record's stable id.
    public var id: String
    /// The record's type, free text such as `incident`.
    public var type: String
    /// The name of the record's classification level.
    public var classification: String
    /// The record's fields by name.
    public var fields: [String: JSONValue]
    /// The record's tags, sorted.
    public var tags: [String]
    /// The first write to the record.
    public var created: StampDocument
    /// The latest write to the record.
    public var updated: StampDocument
    /// The deletion, or `nil` while the record is live. Always encoded, as `null` when live.
    public var deleted: StampDocument?
    /// The losing concurrent values of each field that has any; empty when there are none.
    public var conflicts: [String: [ConflictDocument]]
    /// Other levels at which this site holds a record with the same id, highest first, or `nil`
    /// when there is none. A record is named by its id and its level: a site cleared for two
    /// levels may hold two records with one id (Docs/DataModel.md, "One id at several levels").
    /// Encoded only when present.
    public var alsoHeldAt: [String]?

    /// Creates a record document; `tags` are stored sorted and without duplicates.
    public init(
        id: String, type: String, classification: String, fields: [String: JSONValue], tags: [String],
        created: StampDocument, updated: StampDocument, deleted: StampDocument? = nil,
        conflicts: [String: [ConflictDocument]] = [:], alsoHeldAt: [String]? = nil
    ) {
        self.id = id
        self.type = type
        self.classification = classification
        self.fields = fields
        self.tags = Array(Set(tags)).sorted()
        self.created = created
        self.updated = updated
        self.deleted = deleted
        self.conflicts = conflicts
        self.alsoHeldAt = alsoHeldAt
    }

    /// Whether the record has been deleted.
    public var isDeleted: Bool { deleted != nil }

    private enum CodingKeys: String, CodingKey {
        case id, type, classification, fields, tags, created, updated, deleted, conflicts, alsoHeldAt
    }

    /// Decodes a record; a missing `conflicts` reads as none, a missing `deleted` as live, a
    /// missing `alsoHeldAt` as no other level.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        id = try container.decode(String.self, forKey: .id)
        type = try container.decode(String.self, forKey: .type)
        classification = try container.decode(String.self, forKey: .classification)
        fields = try container.decode([String: JSONValue].self, forKey: .fields)
        tags = try container.decode([String].self, forKey: .tags)
        created = try container.decode(StampDocument.self, forKey: .created)
        updated = try container.decode(StampDocument.self, forKey: .updated)
        deleted = try container.decodeIfPresent(StampDocument.self, forKey: .deleted)
        conflicts = try container.decodeIfPresent([String: [ConflictDocument]].self, forKey: .conflicts) ?? [:]
        alsoHeldAt = try container.decodeIfPresent([String].self, forKey: .alsoHeldAt)
    }

    /// Encodes every key of the contract, `deleted` as an explicit `null` while live.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(id, forKey: .id)
        try container.encode(type, forKey: .type)
        try container.encode(classification, forKey: .classification)
        try container.encode(fields, forKey: .fields)
        try container.encode(tags, forKey: .tags)
        try container.encode(created, forKey: .created)
        try container.encode(updated, forKey: .updated)
        if let deleted {
            try container.encode(deleted, forKey: .deleted)
        } else {
            try container.encodeNil(forKey: .deleted)
        }
        try container.encode(conflicts, forKey: .conflicts)
        try container.encodeIfPresent(alsoHeldAt, forKey: .alsoHeldAt)
    }
}
