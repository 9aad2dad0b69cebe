import CairnModel
import CairnWire

/// Conversions between the model's `FieldValue` and the wire's `Cairn_V1_Value`. Maps are
/// written sorted by key so that one value has one encoding.
enum WireValue {
    static func toWire(_ value: FieldValue) -> Cairn_V1_Value {
        var wire = Cairn_V1_Value()
        switch value {
        case .null: wire.nullValue = true
        case .bool(let flag): wire.boolValue = flag
        case .int(let number): wire.intValue = number
        case .double(let number): wire.doubleValue = number
        case .string(let text): wire.stringValue = text
        case .array(let items):
            var list = Cairn_V1_ValueList()
            list.values = items.map(toWire)
            wire.listValue = list
        case .object(let members):
            var map = Cairn_V1_ValueMap()
            map.entries = members.keys.sorted().map { key in
                var entry = Cairn_V1_ValueEntry()
                entry.key = key
                entry.value = toWire(members[key]!)
                return entry
            }
            wire.mapValue = map
        }
        return wire
    }

    static func fromWire(_ wire: Cairn_V1_Value) throws -> FieldValue {
        switch wire.kind {
        case .none: throw ProtocolError.malformed(what: "value", detail: "no kind set")
        case .nullValue: return .null
        case .boolValue(let flag): return .bool(flag)
        case .intValue(let number): return .int(number)
        case .doubleValue(let number): return .double(number)
        case .stringValue(let text): return .string(text)
        case .listValue(let list): return .array(try list.values.map(fromWire))
        case .mapValue(let map):
            var members: [String: FieldValue] = [:]
            for entry in map.entries {
                guard members[entry.key] == nil else {
                    throw ProtocolError.malformed(what: "value", detail: "duplicate key in an object")
                }
                members[entry.key] = try fromWire(entry.value)
            }
            return .object(members)
        }
    }
}
