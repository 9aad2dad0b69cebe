/// The body of `POST /v1/records`: the writable part of a record plus removals.
///
/// Every key is optional. A new record needs `type` and `classification`; an absent `id` asks
/// the daemon to generate one. In `fields`, a `null` value removes the field. `tags` are added
/// and `removeTags` are removed.
///
/// Decoding accepts and ignores the read-only keys of a `RecordDocument` (`created`, `updated`,
/// `deleted`, `conflicts`) so that a fetched document can be edited and put back, and rejects
/// any other key: a misspelt `feilds` must fail loudly, not write nothing.
public struct PutRecordRequest: Codable, Hashable, Sendable {
    /// The record id; `nil` asks the daemon to generate one.
    public var id: String?
    /// The record type; required for a new record.
    public var type: String?
    /// The classification level; required for a new record, and must equal an existing one's.
    public var classification: String?
    /// Fields to set; a `.null` value removes the field.
    public var fields: [String: JSONValue]?
    /// Tags to add.
    public var tags: [String]?
    /// Tags to remove.
    public var removeTags: [String]?

    /// Creates a request; pass only what should change.
    public init(
        id: String? = nil, type: String? = nil, classification: String? = nil,
        fields: [String: JSONValue]? = nil, tags: [String]? = nil, removeTags: [String]? = nil
    ) {
        self.id = id
        self.type = type
        self.classification = classification
        self.fields = fields
        self.tags = tags
        self.removeTags = removeTags
    }

    /// The keys a request may carry.
    public static let writableKeys: Set<String> = ["id", "type", "classification", "fields", "tags", "removeTags"]
    /// The read-only keys of a `RecordDocument`, accepted and ignored.
    public static let ignoredKeys: Set<String> = ["created", "updated", "deleted", "conflicts"]

    private struct Key: CodingKey {
        var stringValue: String
        var intValue: Int? { nil }
        init(_ string: String) { stringValue = string }
        init?(stringValue: String) { self.stringValue = stringValue }
        init?(intValue: Int) { nil }
    }

    /// Decodes a request, refusing any key that is neither writable nor a known read-only key.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: Key.self)
        let unknown = container.allKeys.map(\.stringValue)
            .filter { !Self.writableKeys.contains($0) && !Self.ignoredKeys.contains($0) }
            .sorted()
        if let first = unknown.first {
            throw DecodingError.dataCorrupted(
                DecodingError.Context(
                    codingPath: decoder.codingPath + [Key(first)],
                    debugDescription:
                        "Unknown key \(unknown.map { "\"\($0)\"" }.joined(separator: ", ")) in a record request; "
                        + "allowed: id, type, classification, fields, tags, removeTags."))
        }
        id = try container.decodeIfPresent(String.self, forKey: Key("id"))
        type = try container.decodeIfPresent(String.self, forKey: Key("type"))
        classification = try container.decodeIfPresent(String.self, forKey: Key("classification"))
        fields = try container.decodeIfPresent([String: JSONValue].self, forKey: Key("fields"))
        tags = try container.decodeIfPresent([String].self, forKey: Key("tags"))
        removeTags = try container.decodeIfPresent([String].self, forKey: Key("removeTags"))
    }

    /// Encodes only the keys that are set; removals inside `fields` stay explicit `null`s.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: Key.self)
        try container.encodeIfPresent(id, forKey: Key("id"))
        try container.encodeIfPresent(type, forKey: Key("type"))
        try container.encodeIfPresent(classification, forKey: Key("classification"))
        try container.encodeIfPresent(fields, forKey: Key("fields"))
        try container.encodeIfPresent(tags, forKey: Key("tags"))
        try container.encodeIfPresent(removeTags, forKey: Key("removeTags"))
    }
}
