import CairnWire
import Foundation
import SwiftProtobuf

extension ReconcileMessage {
    /// Decodes and checks one message from the peer, in this order: its size (before parsing),
    /// its number of ranges counted on the raw bytes (before the parser allocates one value per
    /// range), the protobuf structure, then every field's rule, counts before copies. What
    /// depends on the session (whose turn it is, which ranges were left open) is checked by
    /// `ReconcileSession`.
    public static func decode(_ bytes: [UInt8], limits: ReconcileLimits) throws(ReconcileError) -> ReconcileMessage {
        guard bytes.count <= limits.maxMessageBytes else {
            throw .messageTooLarge(size: bytes.count, limit: limits.maxMessageBytes)
        }
        try ReconcilePrescan.check(bytes, limits: limits)
        let wire: Cairn_V1_ReconcileMessage
        do {
            wire = try Cairn_V1_ReconcileMessage(serializedBytes: bytes, options: decodingOptions)
        } catch {
            throw .malformed("\(error)")
        }
        return try fromWire(wire, limits: limits)
    }

    /// The serialized `ReconcileMessage`.
    public func encode() -> [UInt8] {
        // Serializing a message built from plain values cannot fail.
        try! toWire().serializedBytes()
    }

    /// Messages are not signed, so unknown fields from a newer peer are skipped; two levels of
    /// messages are all the format has.
    static let decodingOptions: BinaryDecodingOptions = {
        var options = BinaryDecodingOptions()
        options.messageDepthLimit = 4
        options.discardUnknownFields = true
        return options
    }()

    func toWire() -> Cairn_V1_ReconcileMessage {
        var wire = Cairn_V1_ReconcileMessage()
        wire.version = Self.version
        wire.set = set.wire
        wire.session = session
        wire.round = round
        wire.salt = Data(salt)
        wire.ranges = ranges.map(\.wire)
        wire.values = Data(values.flatMap(\.encoded))
        return wire
    }

    static func fromWire(_ wire: Cairn_V1_ReconcileMessage, limits: ReconcileLimits) throws(ReconcileError)
        -> ReconcileMessage
    {
        guard wire.version == version else { throw .unsupportedVersion(wire.version) }
        guard let set = ReconcileSetKind(wire: wire.set) else {
            throw .invalid(what: "set", detail: "unknown item set \(wire.set.rawValue)")
        }
        guard wire.round >= 1 else { throw .invalid(what: "round", detail: "round 0") }
        let saltLength = wire.round == 1 ? ReconcileIndex.saltLength : 0
        guard wire.salt.count == saltLength else {
            throw .invalid(what: "salt", detail: "\(wire.salt.count) bytes in round \(wire.round) (\(saltLength) expected)")
        }
        guard wire.ranges.count <= limits.maxRangesPerMessage else {
            throw .tooMany(what: "ranges", count: wire.ranges.count, limit: limits.maxRangesPerMessage)
        }
        // Counted before anything is copied out of the parsed bytes.
        let itemLength = set.itemLength
        let values = Array(wire.values)
        var items = try ReconcileValuesCheck.count(values, set: set, limits: limits)
        for range in wire.ranges {
            items += range.tags.count / 8 + range.items.count / itemLength
        }
        guard items <= limits.maxItemsPerMessage else {
            throw .tooMany(what: "tags and items", count: items, limit: limits.maxItemsPerMessage)
        }
        var ranges: [ReconcileRange] = []
        ranges.reserveCapacity(wire.ranges.count)
        var lower = ReconcileBound.zero
        for (index, range) in wire.ranges.enumerated() {
            let checked = try ReconcileRangeCheck.range(
                range, index: index, lower: lower, last: index == wire.ranges.count - 1,
                previousSkip: ranges.last?.payload == .skip, set: set)
            ranges.append(checked)
            lower = checked.upper
        }
        return ReconcileMessage(
            set: set, session: wire.session, round: wire.round, salt: Array(wire.salt), ranges: ranges,
            values: try ReconcileValuesCheck.values(values, set: set))
    }
}

extension ReconcileRange {
    var wire: Cairn_V1_ReconcileRange {
        var wire = Cairn_V1_ReconcileRange()
        if case .key(let prefix) = upper { wire.upper = Data(prefix) }
        switch payload {
        case .skip:
            wire.mode = .skip
        case .fingerprint(let fingerprint):
            wire.mode = .fingerprint
            wire.fingerprint = Data(fingerprint)
        case .items(let tags):
            wire.mode = .items
            var bytes = Data(capacity: tags.count * 8)
            for tag in tags { withUnsafeBytes(of: tag.littleEndian) { bytes.append(contentsOf: $0) } }
            wire.tags = bytes
        case .reply(let items, let missing):
            wire.mode = .reply
            wire.items = Data(items.flatMap { $0.key + $0.value })
            wire.missing = Data(missing)
        }
        return wire
    }
}

/// The field rules of one range (`reconcile.proto`).
enum ReconcileRangeCheck {
    static func range(
        _ wire: Cairn_V1_ReconcileRange, index: Int, lower: ReconcileBound, last: Bool, previousSkip: Bool,
        set: ReconcileSetKind
    ) throws(ReconcileError) -> ReconcileRange {
        let what = "range \(index)"
        let upper: ReconcileBound
        if wire.upper.isEmpty {
            guard last else { throw .invalid(what: what, detail: "infinity before the last range") }
            upper = .infinity
        } else {
            let prefix = Array(wire.upper)
            if let defect = ReconcileBound.defect(ofPrefix: prefix) { throw .invalid(what: what, detail: defect) }
            upper = .key(prefix)
        }
        guard lower < upper else { throw .invalid(what: what, detail: "bound not above the previous one") }
        let payload = try self.payload(wire, what: what, set: set)
        if payload == .skip {
            if last { throw .invalid(what: what, detail: "a skip as the last range (it is implicit)") }
            if previousSkip { throw .invalid(what: what, detail: "two skips in a row (not coalesced)") }
        }
        if case .reply(let items, _) = payload {
            for item in items where !(lower.admitsKey(item.key) && !upper.admitsKey(item.key)) {
                throw .invalid(what: what, detail: "a reply item outside its range")
            }
        }
        return ReconcileRange(upper: upper, payload: payload)
    }

    private static func payload(_ wire: Cairn_V1_ReconcileRange, what: String, set: ReconcileSetKind)
        throws(ReconcileError) -> ReconcileRange.Payload
    {
        let fields = (fingerprint: !wire.fingerprint.isEmpty, tags: !wire.tags.isEmpty, reply: !wire.items.isEmpty || !wire.missing.isEmpty)
        switch wire.mode {
        case .skip:
            guard !fields.fingerprint, !fields.tags, !fields.reply else { throw .invalid(what: what, detail: "a skip with content") }
            return .skip
        case .fingerprint:
            guard wire.fingerprint.count == ReconcileIndex.fingerprintLength, !fields.tags, !fields.reply else {
                throw .invalid(what: what, detail: "a fingerprint of \(wire.fingerprint.count) bytes or with other content")
            }
            return .fingerprint(Array(wire.fingerprint))
        case .items:
            guard wire.tags.count % 8 == 0, !fields.fingerprint, !fields.reply else {
                throw .invalid(what: what, detail: "tags of \(wire.tags.count) bytes or other content")
            }
            let tags = wire.tags.withUnsafeBytes { raw in
                (0..<raw.count / 8).map { UInt64(littleEndian: raw.loadUnaligned(fromByteOffset: $0 * 8, as: UInt64.self)) }
            }
            return .items(tags: tags)
        case .reply:
            guard !fields.fingerprint, !fields.tags, wire.items.count % set.itemLength == 0 else {
                throw .invalid(what: what, detail: "reply items of \(wire.items.count) bytes or other content")
            }
            if !wire.missing.isEmpty, wire.missing.allSatisfy({ $0 == 0 }) {
                throw .invalid(what: what, detail: "a missing bitmap with no bit set (it must be empty)")
            }
            let items = self.items(wire.items, set: set)
            for index in items.indices.dropFirst() where !(items[index - 1] < items[index]) {
                throw .invalid(what: what, detail: "reply items not in strictly increasing key order")
            }
            return .reply(items: items, missing: Array(wire.missing))
        case .UNRECOGNIZED(let mode):
            throw .invalid(what: what, detail: "unknown mode \(mode)")
        }
    }

    /// Splits concatenated items (the length is already a multiple of the item length).
    static func items(_ bytes: Data, set: ReconcileSetKind) -> [ReconcileItem] {
        let length = set.itemLength
        let all = Array(bytes)
        return stride(from: 0, to: all.count, by: length).map { start in
            ReconcileItem(
                key: Array(all[start..<start + ReconcileItem.keyLength]),
                value: Array(all[start + ReconcileItem.keyLength..<start + length]))
        }
    }
}

extension ReconcileBound {
    /// Whether a 32-byte key lies at or after this bound.
    func admitsKey(_ key: [UInt8]) -> Bool {
        key.withUnsafeBytes { admits($0) }
    }
}

/// Counts the ranges of a message on its raw bytes, before the protobuf parser allocates one
/// value per range: a 2 MiB message of empty ranges would otherwise become a million parsed
/// structs. Reuses the sync frames' wire walker.
enum ReconcilePrescan {
    static func check(_ bytes: [UInt8], limits: ReconcileLimits) throws(ReconcileError) {
        var reader = WireReader(bytes: bytes, position: 0, end: bytes.count)
        var ranges = 0
        do {
            while let (field, type) = try reader.nextTag() {
                guard type == 2 else {
                    try reader.skip(type: type)
                    continue
                }
                _ = try reader.lengthDelimited()
                // Field 6 of `ReconcileMessage`: `ranges`.
                if field == 6 {
                    ranges += 1
                    guard ranges <= limits.maxRangesPerMessage else {
                        throw ReconcileError.tooMany(what: "ranges", count: ranges, limit: limits.maxRangesPerMessage)
                    }
                }
            }
        } catch let error as ReconcileError {
            throw error
        } catch SyncError.malformed(let detail) {
            throw .malformed(detail)
        } catch {
            throw .malformed("\(error)")
        }
    }
}

extension ReconcileValue {
    /// varint(0) || key || value, or varint(index + 1) || value.
    var encoded: [UInt8] {
        switch self {
        case .item(let item): return [0] + item.key + item.value
        case .reference(let index, let value): return ReconcileValuesCheck.varint(UInt64(index) + 1) + value
        }
    }
}

/// The rules of `values`: a sequence of entries, each a reference (a varint: 0 for a whole
/// item, else one more than the index of a reply item), then the key when the reference is 0,
/// then the value. Walked once to count before anything is copied.
enum ReconcileValuesCheck {
    /// The number of entries, checked against the item limit while walking.
    static func count(_ bytes: [UInt8], set: ReconcileSetKind, limits: ReconcileLimits) throws(ReconcileError) -> Int {
        var count = 0
        try walk(bytes, set: set) { _, _, _ throws(ReconcileError) in
            count += 1
            if count > limits.maxItemsPerMessage {
                throw .tooMany(what: "values", count: count, limit: limits.maxItemsPerMessage)
            }
        }
        return count
    }

    static func values(_ bytes: [UInt8], set: ReconcileSetKind) throws(ReconcileError) -> [ReconcileValue] {
        var values: [ReconcileValue] = []
        try walk(bytes, set: set) { reference, key, value throws(ReconcileError) in
            let value = Array(bytes[value])
            if let key {
                values.append(.item(ReconcileItem(key: Array(bytes[key]), value: value)))
            } else {
                values.append(.reference(index: reference - 1, value: value))
            }
        }
        return values
    }

    /// Calls `body` with each entry's reference and the positions of its key (nil for a
    /// reference) and value.
    private static func walk(
        _ bytes: [UInt8], set: ReconcileSetKind, _ body: (Int, Range<Int>?, Range<Int>) throws(ReconcileError) -> Void
    ) throws(ReconcileError) {
        var position = 0
        while position < bytes.count {
            var reference: UInt64 = 0
            var shift: UInt64 = 0
            while true {
                guard position < bytes.count, shift < 28 else {
                    throw .invalid(what: "values", detail: "a truncated or overlong reference")
                }
                let byte = bytes[position]
                position += 1
                reference |= UInt64(byte & 0x7F) << shift
                if byte & 0x80 == 0 { break }
                shift += 7
            }
            let keyLength = reference == 0 ? ReconcileItem.keyLength : 0
            guard bytes.count - position >= keyLength + set.valueLength else {
                throw .invalid(what: "values", detail: "a truncated value")
            }
            let key = reference == 0 ? position..<position + keyLength : nil
            try body(Int(reference), key, position + keyLength..<position + keyLength + set.valueLength)
            position += keyLength + set.valueLength
        }
    }

    static func varint(_ value: UInt64) -> [UInt8] {
        var value = value
        var bytes: [UInt8] = []
        while value >= 0x80 {
            bytes.append(UInt8(value & 0x7F) | 0x80)
            value >>= 7
        }
        return bytes + [UInt8(value)]
    }
}
