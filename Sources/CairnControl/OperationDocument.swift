/// One operation of a delta, as history shows it: `{"op": "set_field", "field": …, "value": …}`.
///
/// The `op` member names the case in snake_case; the other members are the case's arguments.
public enum OperationDocument: Hashable, Sendable {
    /// The record's type was set.
    case setType(String)
    /// A field was set to a value.
    case setField(field: String, value: JSONValue)
    /// A field was removed.
    case removeField(String)
    /// A tag was added.
    case addTag(String)
    /// A tag was removed.
    case removeTag(String)
    /// The record was deleted.
    case delete
    /// The record was moved to this delta's level from `from`.
    case reclassify(from: String)
    /// The record was withdrawn from this delta's level (`reason` says why).
    case withdraw(reason: String)

    /// The `op` string of this case.
    public var op: String {
        switch self {
        case .setType: return "set_type"
        case .setField: return "set_field"
        case .removeField: return "remove_field"
        case .addTag: return "add_tag"
        case .removeTag: return "remove_tag"
        case .delete: return "delete"
        case .reclassify: return "reclassify"
        case .withdraw: return "withdraw"
        }
    }
}

extension OperationDocument: Codable {
    private enum CodingKeys: String, CodingKey {
        case op, type, field, value, tag, from, reason
    }

    /// Decodes an operation by its `op` member; an unknown `op` is an error naming it.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        let op = try container.decode(String.self, forKey: .op)
        switch op {
        case "set_type":
            self = .setType(try container.decode(String.self, forKey: .type))
        case "set_field":
            let value = try container.decodeIfPresent(JSONValue.self, forKey: .value) ?? .null
            self = .setField(field: try container.decode(String.self, forKey: .field), value: value)
        case "remove_field":
            self = .removeField(try container.decode(String.self, forKey: .field))
        case "add_tag":
            self = .addTag(try container.decode(String.self, forKey: .tag))
        case "remove_tag":
            self = .removeTag(try container.decode(String.self, forKey: .tag))
        case "delete":
            self = .delete
        case "reclassify":
            self = .reclassify(from: try container.decode(String.self, forKey: .from))
        case "withdraw":
            self = .withdraw(reason: try container.decode(String.self, forKey: .reason))
        default:
            throw DecodingError.dataCorruptedError(
                forKey: .op, in: container, debugDescription: "Unknown operation \"\(op)\".")
        }
    }

    /// Encodes `op` and the case's arguments.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(op, forKey: .op)
        switch self {
        case .setType(let type):
            try container.encode(type, forKey: .type)
        case .setField(let field, let value):
            try container.encode(field, forKey: .field)
            try container.encode(value, forKey: .value)
        case .removeField(let field):
            try container.encode(field, forKey: .field)
        case .addTag(let tag), .removeTag(let tag):
            try container.encode(tag, forKey: .tag)
        case .delete:
            break
        case .reclassify(let from):
            try container.encode(from, forKey: .from)
        case .withdraw(let reason):
            try container.encode(reason, forKey: .reason)
        }
    }
}
