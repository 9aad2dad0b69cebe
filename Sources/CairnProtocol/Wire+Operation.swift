import CairnModel
import CairnWire

/// Conversions between the model's operations and the wire's `Cairn_V1_Operation`.
enum WireOperation {
    static func toWire(_ operation: Operation) -> Cairn_V1_Operation {
        var wire = Cairn_V1_Operation()
        wire.recordID = operation.record.rawValue
        switch operation {
        case .setType(_, let type):
            var op = Cairn_V1_SetType()
            op.type = type
            wire.setType = op
        case .setField(_, let name, let value, let observed):
            var op = Cairn_V1_SetField()
            op.name = name
            if let value { op.value = WireValue.toWire(value) }
            op.observed = WireContext.toWire(observed)
            wire.setField = op
        case .addTag(_, let tag):
            var op = Cairn_V1_AddTag()
            op.tag = tag
            wire.addTag = op
        case .removeTag(_, let tag, let observed):
            var op = Cairn_V1_RemoveTag()
            op.tag = tag
            op.observed = WireContext.toWire(observed)
            wire.removeTag = op
        case .delete:
            wire.delete = Cairn_V1_DeleteRecord()
        }
        return wire
    }

    static func fromWire(_ wire: Cairn_V1_Operation) throws -> Operation {
        let record: RecordID
        do {
            record = try RecordID(wire.recordID)
        } catch {
            throw ProtocolError.invalidBody("\(error)")
        }
        switch wire.op {
        case .none:
            throw ProtocolError.malformed(what: "operation", detail: "no operation set")
        case .setType(let op):
            return .setType(record: record, type: op.type)
        case .setField(let op):
            let value = op.hasValue ? try WireValue.fromWire(op.value) : nil
            return .setField(record: record, name: op.name, value: value, observed: try WireContext.fromWire(op.observed))
        case .addTag(let op):
            return .addTag(record: record, tag: op.tag)
        case .removeTag(let op):
            return .removeTag(record: record, tag: op.tag, observed: try WireContext.fromWire(op.observed))
        case .delete:
            return .delete(record: record)
        }
    }
}
