/// A concurrent value that lost a field's last-writer-wins race but is kept visible.
///
/// Nothing is dropped silently: until someone writes the field again, the API shows each losing
/// concurrent write with its author and time. `value` is `.null` when the losing write removed
/// the field.
public struct ConflictDocument: Codable, Hashable, Sendable {
    /// The losing value, or `.null` if the losing write removed the field.
    public var value: JSONValue
    /// The device reference of the author (see `StampDocument.by`).
    public var by: String
    /// The author device's id, 64 lowercase hex digits.
    public var device: String
    /// The time of the losing write, ISO-8601 UTC.
    public var at: String
    /// The hybrid logical clock of the losing write, `<wallMillis>.<counter>`.
    public var hlc: String

    /// Creates a conflict entry.
    public init(value: JSONValue, by: String, device: String, at: String, hlc: String) {
        self.value = value
        self.by = by
        self.device = device
        self.at = at
        self.hlc = hlc
    }

    /// Creates a conflict entry from a losing value and the stamp of its write.
    public init(value: JSONValue, stamp: StampDocument) {
        self.init(value: value, by: stamp.by, device: stamp.device, at: stamp.at, hlc: stamp.hlc)
    }

    /// The stamp of the losing write.
    public var stamp: StampDocument {
        StampDocument(by: by, device: device, at: at, hlc: hlc)
    }

    private enum CodingKeys: String, CodingKey {
        case value, by, device, at, hlc
    }

    /// Decodes a conflict; a missing `value` reads as `null` (a removal), like an explicit one.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        value = try container.decodeIfPresent(JSONValue.self, forKey: .value) ?? .null
        by = try container.decode(String.self, forKey: .by)
        device = try container.decode(String.self, forKey: .device)
        at = try container.decode(String.self, forKey: .at)
        hlc = try container.decode(String.self, forKey: .hlc)
    }

    /// Encodes every key, `value` as an explicit `null` for a removal.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(value, forKey: .value)
        try container.encode(by, forKey: .by)
        try container.encode(device, forKey: .device)
        try container.encode(at, forKey: .at)
        try container.encode(hlc, forKey: .hlc)
    }
}
