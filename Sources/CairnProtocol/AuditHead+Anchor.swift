import CairnModel

extension AuditHead {
    /// The first bytes of an anchor record; the digit is the format's version.
    static let anchorMagic = Array("CAIRNAH1".utf8)
    /// An anchor record's exact length: magic, device, seq, hash, signed-at, signature.
    public static let anchorRecordLength = 8 + DeviceID.byteCount + 8 + hashLength + 8 + 64

    /// The head as one fixed-length binary record of the anchor file:
    /// `"CAIRNAH1" || device || u64be(seq) || hash || u64be(signedAt) || signature`.
    public func anchorRecord() -> [UInt8] {
        Self.anchorMagic + device.bytes + Self.bigEndian(seq) + hash + Self.bigEndian(signedAt) + signature
    }

    /// Reads one anchor record (whoever can write the state directory can write it, so it is
    /// checked like a peer's): exact length and magic first, then the fields' shapes. The
    /// signature is not checked here (`isValid(for:)`).
    public static func parseAnchorRecord(_ bytes: ArraySlice<UInt8>) throws(AuditHeadError) -> AuditHead {
        guard bytes.count == anchorRecordLength else {
            throw .notAnAnchor("a record of \(bytes.count) bytes instead of \(anchorRecordLength)")
        }
        let bytes = Array(bytes)
        guard Array(bytes[0..<8]) == anchorMagic else { throw .notAnAnchor("unknown magic") }
        var offset = 8
        func take(_ count: Int) -> [UInt8] {
            defer { offset += count }
            return Array(bytes[offset..<offset + count])
        }
        func number() -> UInt64 { take(8).reduce(0) { $0 << 8 | UInt64($1) } }
        let deviceBytes = take(DeviceID.byteCount)
        let device: DeviceID
        do {
            device = try DeviceID(deviceBytes)
        } catch {
            throw .invalid("device id of \(deviceBytes.count) bytes")
        }
        let seq = number()
        let hash = take(hashLength)
        let signedAt = number()
        let signature = take(64)
        return try AuditHead(device: device, seq: seq, hash: hash, signedAt: signedAt, signature: signature)
    }
}

/// The anchor file (`audit-anchor` in the state directory): two slots of 512 bytes, each empty
/// (zeros) or an anchor record padded with zeros. The daemon overwrites the slots in turn, in
/// place and without an fsync, so a crash in the middle of a write can damage at most the slot
/// being written: the other still holds the previous head (a head that lags is normal; see
/// Docs/ThreatModel.md, "The audit anchor"). Each slot has a sector of its own.
public enum AuditAnchorFile {
    public static let slotLength = 512
    public static let slotCount = 2
    public static let length = slotLength * slotCount

    /// What one slot holds.
    public enum Slot: Hashable, Sendable {
        case empty
        /// Not a record (a torn write, or altered): why.
        case damaged(String)
        case head(AuditHead)
    }

    /// The bytes of one slot holding `head`.
    public static func slot(_ head: AuditHead) -> [UInt8] {
        let record = head.anchorRecord()
        return record + [UInt8](repeating: 0, count: slotLength - record.count)
    }

    /// Reads the file's slots; throws when the file is not an anchor file (its length).
    public static func parse(_ bytes: [UInt8]) throws(AuditHeadError) -> [Slot] {
        guard bytes.count == length else { throw .notAnAnchor("\(bytes.count) bytes instead of \(length)") }
        return (0..<slotCount).map { index in
            let slot = bytes[index * slotLength..<(index + 1) * slotLength]
            if slot.allSatisfy({ $0 == 0 }) { return .empty }
            let record = slot.prefix(AuditHead.anchorRecordLength)
            guard slot.dropFirst(AuditHead.anchorRecordLength).allSatisfy({ $0 == 0 }) else {
                return .damaged("bytes after the record")
            }
            do {
                return .head(try AuditHead.parseAnchorRecord(record))
            } catch {
                return .damaged("\(error)")
            }
        }
    }
}
