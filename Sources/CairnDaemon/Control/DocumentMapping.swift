import CairnControl
import CairnModel
import Foundation

/// Conversions between the model and the control API's documents. The model never sees JSON
/// types; the API never sees model types.
struct DocumentMapping: Sendable {
    let identity: SiteIdentity
    /// The certificates known when the mapping was made: authors are shown as agency/name.
    var devices = KnownDevices()

    func document(_ state: RecordState) -> RecordDocument {
        let view = state.view()
        return RecordDocument(
            id: view.id.rawValue, type: view.type ?? "", classification: view.level,
            fields: view.fields.mapValues(Self.json), tags: view.tags,
            created: stamp(view.created), updated: stamp(view.updated), deleted: view.deleted.map(stamp),
            conflicts: view.conflicts.mapValues { values in
                values.map { ConflictDocument(value: $0.value.map(Self.json) ?? .null, stamp: stamp($0.stamp)) }
            })
    }

    func stamp(_ stamp: Stamp) -> StampDocument {
        StampDocument(
            by: displayName(stamp.author), device: stamp.author.hex,
            at: Self.time(stamp.hlc), hlc: stamp.hlc.description)
    }

    /// agency/name of a known device, else the start of its id.
    func displayName(_ author: DeviceID) -> String {
        author == identity.deviceID ? identity.ref : devices.displayName(author)
    }

    static func time(_ hlc: HLCTimestamp) -> String {
        time(millis: hlc.wallMillis)
    }

    private static let secondStyle = Date.ISO8601FormatStyle()

    /// Formats whole seconds with the date style and appends the milliseconds exactly (a
    /// `Double` division would round 086 to 085 now and then).
    static func time(millis: UInt64) -> String {
        let seconds = secondStyle.format(Date(timeIntervalSince1970: Double(millis / 1000)))
        let fraction = String(millis % 1000)
        return seconds.dropLast() + "." + String(repeating: "0", count: 3 - fraction.count) + fraction + "Z"
    }

    static func time(seconds: Int64) -> String {
        secondStyle.format(Date(timeIntervalSince1970: Double(seconds)))
    }

    static func time(_ date: Date) -> String {
        secondStyle.format(date)
    }

    static func json(_ value: FieldValue) -> JSONValue {
        switch value {
        case .null: return .null
        case .bool(let flag): return .bool(flag)
        case .int(let number): return .int(number)
        case .double(let number): return .double(number)
        case .string(let text): return .string(text)
        case .array(let items): return .array(items.map(json))
        case .object(let members): return .object(members.mapValues(json))
        }
    }

    static func field(_ value: JSONValue) -> FieldValue {
        switch value {
        case .null: return .null
        case .bool(let flag): return .bool(flag)
        case .int(let number): return .int(number)
        case .double(let number): return .double(number)
        case .string(let text): return .string(text)
        case .array(let items): return .array(items.map(field))
        case .object(let members): return .object(members.mapValues(field))
        }
    }

    func operation(_ operation: CairnModel.Operation) -> OperationDocument {
        switch operation {
        case .setType(_, let type): return .setType(type)
        case .setField(_, let name, let value?, _): return .setField(field: name, value: Self.json(value))
        case .setField(_, let name, nil, _): return .removeField(name)
        case .addTag(_, let tag): return .addTag(tag)
        case .removeTag(_, let tag, _): return .removeTag(tag)
        case .delete: return .delete
        case .reclassify(_, let from, _): return .reclassify(from: from)
        case .withdraw(_, let reason, _, _): return .withdraw(reason: reason)
        }
    }
}
