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
