import CairnCrypto
import CairnModel
import CairnWire

/// The at-rest form of a materialized record: its state serialized as `Cairn_V1_RecordState`
/// and sealed under its level's epoch key, with the row's lookup key, level and epoch as
/// associated data (a sealed row cannot be moved to another record or level unnoticed).
public enum RecordStateCodec {
    public static let maxStateBytes = 4 * 1024 * 1024

    public static func seal(_ state: RecordState, rowKey: [UInt8], epoch: EpochRef, key: XChaCha20Poly1305.Key) -> [UInt8] {
        XChaCha20Poly1305.seal(
            WireDecoding.encode(toWire(state)), associatedData: associatedData(rowKey: rowKey, level: state.level, epoch: epoch),
            key: key)
    }

    public static func open(
        _ sealed: [UInt8], rowKey: [UInt8], level: String, epoch: EpochRef, key: XChaCha20Poly1305.Key
    ) throws -> RecordState {
        let plain: [UInt8]
        do {
            plain = try XChaCha20Poly1305.open(
                sealed, associatedData: associatedData(rowKey: rowKey, level: level, epoch: epoch), key: key)
        } catch {
            throw ProtocolError.decryptionFailed
        }
        let wire = try WireDecoding.decode(Cairn_V1_RecordState.self, from: plain, what: "record state", limit: maxStateBytes)
        let state = try fromWire(wire)
        guard state.level == level else { throw ProtocolError.malformed(what: "record state", detail: "level mismatch") }
        return state
    }

    /// Every part is length-prefixed (u32 big-endian) so that no boundary can shift between them.
    static func associatedData(rowKey: [UInt8], level: String, epoch: EpochRef) -> [UInt8] {
        var data = Array("cairn/v1/record\0".utf8)
        for part in [rowKey, Array(level.utf8), bigEndian(epoch.number), epoch.keyID] {
            data += bigEndian(UInt32(part.count)) + part
        }
        return data
    }

    private static func bigEndian(_ value: UInt32) -> [UInt8] {
        [UInt8(value >> 24), UInt8((value >> 16) & 0xff), UInt8((value >> 8) & 0xff), UInt8(value & 0xff)]
    }

    static func toWire(_ state: RecordState) -> Cairn_V1_RecordState {
        var wire = Cairn_V1_RecordState()
        wire.id = state.id.rawValue
        wire.level = state.level
        if let typeStamp = state.typeStamp { wire.typeStamp = WireContext.toWire(typeStamp) }
        wire.type = state.type ?? ""
        wire.fields = state.fields.keys.sorted().map { name in
            let register = state.fields[name]!
            var field = Cairn_V1_FieldState()
            field.name = name
            field.writes = register.writes.keys.sorted().map { author in
                let write = register.writes[author]!
                var entry = Cairn_V1_FieldWrite()
                entry.stamp = WireContext.toWire(write.stamp)
                if let value = write.value { entry.value = WireValue.toWire(value) }
                return entry
            }
            field.context = WireContext.toWire(register.context)
            return field
        }
        wire.tags = state.tags.keys.sorted().map { tag in
            let tagState = state.tags[tag]!
            var entry = Cairn_V1_TagState()
            entry.tag = tag
            entry.adds = WireContext.toWire(tagState.adds)
            entry.removed = WireContext.toWire(tagState.removed)
            return entry
        }
        if let deleted = state.deleted { wire.deleted = WireContext.toWire(deleted) }
        wire.created = WireContext.toWire(state.created)
        wire.updated = WireContext.toWire(state.updated)
        if let origin = state.originAgency { wire.originAgency = origin }
        return wire
    }

    static func fromWire(_ wire: Cairn_V1_RecordState) throws -> RecordState {
        let id: RecordID
        do { id = try RecordID(wire.id) } catch { throw ProtocolError.malformed(what: "record state", detail: "\(error)") }
        var fields: [String: FieldRegister] = [:]
        for field in wire.fields {
            var writes: [DeviceID: FieldWrite] = [:]
            for entry in field.writes {
                let stamp = try WireContext.fromWire(entry.stamp)
                writes[stamp.author] = FieldWrite(stamp: stamp, value: entry.hasValue ? try WireValue.fromWire(entry.value) : nil)
            }
            fields[field.name] = FieldRegister(writes: writes, context: try WireContext.fromWire(field.context))
        }
        var tags: [String: TagState] = [:]
        for tag in wire.tags {
            tags[tag.tag] = TagState(adds: try WireContext.fromWire(tag.adds), removed: try WireContext.fromWire(tag.removed))
        }
        return RecordState(
            id: id, level: wire.level,
            type: wire.hasTypeStamp ? wire.type : nil,
            typeStamp: wire.hasTypeStamp ? try WireContext.fromWire(wire.typeStamp) : nil,
            fields: fields, tags: tags,
            deleted: wire.hasDeleted ? try WireContext.fromWire(wire.deleted) : nil,
            created: try WireContext.fromWire(wire.created), updated: try WireContext.fromWire(wire.updated),
            originAgency: wire.originAgency.isEmpty ? nil : wire.originAgency)
    }
}
