/// Any JSON value, as it crosses the control API.
///
/// Field values are free JSON, so the API types carry them as a plain tree rather than as
/// encoded bytes. Numbers keep JSON's two shapes: a number that is an exact 64-bit integer
/// decodes as `.int`, anything else as `.double`, so that `3` stays `3` and never becomes `3.0`
/// on its way through the CLI. (A `.double` holding an integral value, such as `2.0`, encodes as
/// `2` and so decodes back as `.int(2)`: JSON itself does not tell the two apart.)
public enum JSONValue: Hashable, Sendable {
    /// JSON `null`. In a `PutRecordRequest` it means "remove this field".
    case null
    /// JSON `true` or `false`.
    case bool(Bool)
    /// A number that is an exact integer in the range of `Int64`.
    case int(Int64)
    /// Any other number.
    case double(Double)
    /// A string.
    case string(String)
    /// An ordered list.
    case array([JSONValue])
    /// A map from member names to values.
    case object([String: JSONValue])
}

extension JSONValue: Codable {
    /// Decodes the most specific shape: null, then Boolean, then exact integer, then double,
    /// string, array, object. Boolean comes before numbers because Foundation refuses to read
    /// a number as a Boolean, so `1` and `true` stay distinct.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        if container.decodeNil() {
            self = .null
        } else if let value = try? container.decode(Bool.self) {
            self = .bool(value)
        } else if let value = try? container.decode(Int64.self) {
            self = .int(value)
        } else if let value = try? container.decode(Double.self) {
            self = .double(value)
        } else if let value = try? container.decode(String.self) {
            self = .string(value)
        } else if let value = try? container.decode([JSONValue].self) {
            self = .array(value)
        } else if let value = try? container.decode([String: JSONValue].self) {
            self = .object(value)
        } else {
            throw DecodingError.dataCorruptedError(
                in: container, debugDescription: "Expected a JSON value.")
        }
    }

    /// Encodes the value as the JSON it stands for (`.null` as an explicit `null`).
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        switch self {
        case .null: try container.encodeNil()
        case .bool(let value): try container.encode(value)
        case .int(let value): try container.encode(value)
        case .double(let value): try container.encode(value)
        case .string(let value): try container.encode(value)
        case .array(let value): try container.encode(value)
        case .object(let value): try container.encode(value)
        }
    }
}

extension JSONValue: ExpressibleByNilLiteral, ExpressibleByBooleanLiteral, ExpressibleByIntegerLiteral,
    ExpressibleByFloatLiteral, ExpressibleByStringLiteral, ExpressibleByArrayLiteral,
    ExpressibleByDictionaryLiteral
{
    /// `nil` stands for JSON `null`, so that literals read like the JSON they build.
    public init(nilLiteral: ()) { self = .null }
    /// A Boolean literal.
    public init(booleanLiteral value: Bool) { self = .bool(value) }
    /// An integer literal.
    public init(integerLiteral value: Int64) { self = .int(value) }
    /// A floating-point literal.
    public init(floatLiteral value: Double) { self = .double(value) }
    /// A string literal.
    public init(stringLiteral value: String) { self = .string(value) }
    /// An array literal.
    public init(arrayLiteral elements: JSONValue...) { self = .array(elements) }
    /// A dictionary literal; a repeated key keeps its last value.
    public init(dictionaryLiteral elements: (String, JSONValue)...) {
        self = .object(Dictionary(elements, uniquingKeysWith: { _, last in last }))
    }
}
