import CairnModel
import CairnWire
import Foundation

/// Conversions between the model's operations and the wire's `Cairn_V1_Operation`.
enum WireOperation {
    static func toWire(_ operation: CairnModel.Operation) -> Cairn_V1_Operation {
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
        case .reclassify(_, let from, let origin):
            var op = Cairn_V1_Reclassify()
            op.fromLevel = from
            op.originAgency = origin
            wire.reclassify = op
        case .withdraw(_, let reason, let redact, let to):
            var op = Cairn_V1_Withdraw()
            op.reason = reason
            op.redact = redact.map { Data($0) }
            op.toLevel = to ?? ""
            wire.withdraw = op
        }
        return wire
    }

    static func fromWire(_ wire: Cairn_V1_Operation) throws -> CairnModel.Operation {
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
        case .reclassify(let op):
            return .reclassify(record: record, from: op.fromLevel, origin: op.originAgency)
        case .withdraw(let op):
            return .withdraw(record: record, reason: op.reason, redact: op.redact.map { Array($0) },
                to: op.toLevel.isEmpty ? nil : op.toLevel)
        }
    }
}
