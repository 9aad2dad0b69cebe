import CairnCrypto
import CairnModel
import CairnStore

/// A fingerprint of the records a site holds: one BLAKE2b-256 digest per level and one over
/// all levels. Two sites that hold the same merged records show the same digests whatever
/// order their deltas arrived in, so an operator (or a test) can confirm that two sites have
/// converged by comparing 32 bytes instead of every record.
///
/// What is hashed is the full merge state (`RecordState`), not only what a reader sees: two
/// records that look the same but would merge a later write differently have different
/// digests. Records are read one page at a time while writes go on, so a digest taken during
/// writes mixes moments; compare digests once both sites are quiet. Deltas that wait for a key
/// this site does not hold yet are not materialized and so not counted.
struct StateDigest: Equatable, Sendable {
    /// One level's records.
    struct Level: Equatable, Sendable {
        var name: String
        var records: Int
        var digest: [UInt8]
    }

    /// The levels the site holds, lowest first.
    var levels: [Level]
    /// The digest over every level's name, record count and digest.
    var digest: [UInt8]

    static let levelDomain = Array("cairn/v1/state-digest/level\0".utf8)
    static let overallDomain = Array("cairn/v1/state-digest\0".utf8)

    /// The digest of one level from each record's id and encoding hash (any order).
    static func level(_ name: String, records: [(id: String, hash: [UInt8])]) -> Level {
        let sorted = records.sorted { $0.id.utf8.lexicographicallyPrecedes($1.id.utf8) }
        let hasher = BLAKE2b.Hasher()
        var head = CanonicalRecordEncoding.Writer()
        head.string(name)
        head.u64(UInt64(sorted.count))
        hasher.update(levelDomain + head.bytes)
        for record in sorted {
            var entry = CanonicalRecordEncoding.Writer()
            entry.string(record.id)
            hasher.update(entry.bytes + record.hash)
        }
        return Level(name: name, records: sorted.count, digest: hasher.finalize())
    }

    /// The overall digest of `levels`, in the order given (the charter's, lowest first).
    static func overall(_ levels: [Level]) -> StateDigest {
        var writer = CanonicalRecordEncoding.Writer()
        for level in levels {
            writer.string(level.name)
            writer.u64(UInt64(level.records))
            writer.bytes += level.digest
        }
        return StateDigest(levels: levels, digest: BLAKE2b.hash(overallDomain + writer.bytes))
    }
}

extension StatusService {
    /// The digest of every record at every level this site holds (`GET /v1/digest`).
    func stateDigest() throws -> StateDigest {
        let keyring = keyring()
        let held = identity.readableLevels
        var records: [String: [(id: String, hash: [UInt8])]] = [:]
        try storeAccess {
            try database.forEachRecord(level: nil) { row in
                guard held.contains(row.level) else { return true }
                let state = try open(row, keyring: keyring)
                records[row.level, default: []].append(
                    (state.id.rawValue, BLAKE2b.hash(CanonicalRecordEncoding.encode(state))))
                return true
            }
        }
        return StateDigest.overall(held.map { StateDigest.level($0, records: records[$0] ?? []) })
    }
}

/// One byte string per `RecordState`, independent of dictionary order and of how the state was
/// reached: every map is written sorted by the UTF-8 bytes (or, for authors, the key bytes) of
/// its keys, every length is explicit, and doubles are written as their bit pattern.
///
/// Not `RecordStateCodec`'s protobuf: that encoding is internal to CairnProtocol and its
/// byte-exactness is not part of its contract; this one is specified in Docs/ControlAPI.md.
enum CanonicalRecordEncoding {
    static func encode(_ state: RecordState) -> [UInt8] {
        var writer = Writer()
        writer.string(state.id.rawValue)
        writer.string(state.level)
        if let stamp = state.typeStamp {
            writer.u8(1)
            writer.string(state.type ?? "")
            writer.stamp(stamp)
        } else {
            writer.u8(0)
        }
        writer.u32(UInt32(state.fields.count))
        for (name, register) in state.fields.sorted(by: { Writer.precedes($0.key, $1.key) }) {
            writer.string(name)
            writer.u32(UInt32(register.writes.count))
            for (_, write) in register.writes.sorted(by: { Writer.precedes($0.key, $1.key) }) {
                writer.stamp(write.stamp)
                if let value = write.value {
                    writer.u8(1)
                    writer.value(value)
                } else {
                    writer.u8(0)
                }
            }
            writer.context(register.context)
        }
        writer.u32(UInt32(state.tags.count))
        for (tag, tagState) in state.tags.sorted(by: { Writer.precedes($0.key, $1.key) }) {
            writer.string(tag)
            writer.context(tagState.adds)
            writer.context(tagState.removed)
        }
        if let deleted = state.deleted {
            writer.u8(1)
            writer.stamp(deleted)
        } else {
            writer.u8(0)
        }
        writer.stamp(state.created)
        writer.stamp(state.updated)
        if let origin = state.originAgency {
            writer.u8(1)
            writer.string(origin)
        } else {
            writer.u8(0)
        }
        return writer.bytes
    }

    /// Big-endian integers, length-prefixed strings.
    struct Writer {
        var bytes: [UInt8] = []

        /// Map keys sort by their bytes, never by `String`'s Unicode ordering.
        static func precedes(_ a: String, _ b: String) -> Bool { a.utf8.lexicographicallyPrecedes(b.utf8) }
        static func precedes(_ a: DeviceID, _ b: DeviceID) -> Bool { a.bytes.lexicographicallyPrecedes(b.bytes) }

        mutating func u8(_ value: UInt8) { bytes.append(value) }

        mutating func u32(_ value: UInt32) {
            for shift in stride(from: 24, through: 0, by: -8) {
                bytes.append(UInt8(truncatingIfNeeded: value >> UInt32(shift)))
            }
        }

        mutating func u64(_ value: UInt64) {
            for shift in stride(from: 56, through: 0, by: -8) {
                bytes.append(UInt8(truncatingIfNeeded: value >> UInt64(shift)))
            }
        }

        mutating func string(_ text: String) {
            u32(UInt32(text.utf8.count))
            bytes += text.utf8
        }

        mutating func stamp(_ stamp: Stamp) {
            u64(stamp.hlc.wallMillis)
            u32(stamp.hlc.counter)
            bytes += stamp.author.bytes
        }

        mutating func context(_ context: CausalContext) {
            u32(UInt32(context.entries.count))
            for (author, reading) in context.entries.sorted(by: { Self.precedes($0.key, $1.key) }) {
                bytes += author.bytes
                u64(reading.wallMillis)
                u32(reading.counter)
            }
        }

        mutating func value(_ value: FieldValue) {
            switch value {
            case .null:
                u8(0)
            case .bool(let flag):
                u8(1)
                u8(flag ? 1 : 0)
            case .int(let number):
                u8(2)
                u64(UInt64(bitPattern: number))
            case .double(let number):
                u8(3)
                u64(number.bitPattern)
            case .string(let text):
                u8(4)
                string(text)
            case .array(let items):
                u8(5)
                u32(UInt32(items.count))
                for item in items { self.value(item) }
            case .object(let members):
                u8(6)
                u32(UInt32(members.count))
                for (key, member) in members.sorted(by: { Self.precedes($0.key, $1.key) }) {
                    string(key)
                    self.value(member)
                }
            }
        }
    }
}
