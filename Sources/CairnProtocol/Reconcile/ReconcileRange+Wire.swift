import CairnWire
import Foundation

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
