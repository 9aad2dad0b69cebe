/// Counts the repeated items of a frame on its raw bytes, before the protobuf parser allocates
/// one Swift value per item.
///
/// The frame size alone does not bound memory: a 4 MiB frame of empty positions would become
/// two million parsed structs, about 150 MiB. Walking the wire format costs nothing by
/// comparison and refuses such a frame first.
enum SyncPrescan {
    /// Throws `.tooMany` when the frame holds more positions, envelopes or certificates than the
    /// limits allow, `.malformed` when its structure cannot be walked.
    static func check(_ bytes: [UInt8], limits: SyncLimits) throws(SyncError) {
        var reader = WireReader(bytes: bytes, position: 0, end: bytes.count)
        var counts = (positions: 0, envelopes: 0, certificates: 0, revocations: 0, charters: 0, grants: 0)
        while let (field, type) = try reader.nextTag() {
            guard type == 2 else {
                try reader.skip(type: type)
                continue
            }
            let payload = try reader.lengthDelimited()
            // Fields of `SyncMessage`: 4 vector (positions = 2), 5 deltas (envelopes = 2),
            // 7 certificates (certificates = 1), 9 trust (revocations = 1, charters = 2), 12 early
            // grants (envelopes = 1). A oneof message seen twice is merged, so sum.
            switch field {
            case 4:
                counts.positions += try count(field: 2, in: payload)
                try limit(counts.positions, limits.maxVectorStreams, "vector positions")
            case 5:
                counts.envelopes += try count(field: 2, in: payload)
                try limit(counts.envelopes, limits.maxDeltasPerBatch, "delta envelopes")
            case 7:
                counts.certificates += try count(field: 1, in: payload)
                try limit(counts.certificates, limits.maxCertificates, "certificates")
            case 9:
                counts.revocations += try count(field: 1, in: payload)
                try limit(counts.revocations, limits.maxCertificates, "revocations")
                counts.charters += try count(field: 2, in: payload)
                try limit(counts.charters, SyncLimits.maxCharters, "charters")
            case 12:
                counts.grants += try count(field: 1, in: payload)
                try limit(counts.grants, SyncFrame.maxEarlyGrants, "early grants")
            default:
                break
            }
        }
    }

    private static func limit(_ count: Int, _ limit: Int, _ what: String) throws(SyncError) {
        if count > limit { throw .tooMany(what: what, count: count, limit: limit) }
    }

    private static func count(field wanted: UInt64, in payload: WireReader) throws(SyncError) -> Int {
        var reader = payload
        var count = 0
        while let (field, type) = try reader.nextTag() {
            if type == 2 {
                _ = try reader.lengthDelimited()
                if field == wanted { count += 1 }
            } else {
                try reader.skip(type: type)
            }
        }
        return count
    }
}

/// A cursor over protobuf wire format, enough to skip fields and count them.
struct WireReader {
    let bytes: [UInt8]
    var position: Int
    let end: Int

    /// The next (field number, wire type), or nil at the end.
    mutating func nextTag() throws(SyncError) -> (UInt64, UInt64)? {
        guard position < end else { return nil }
        let tag = try varint()
        guard tag >> 3 != 0 else { throw .malformed(detail: "field number 0") }
        return (tag >> 3, tag & 7)
    }

    /// Skips a field that is not length-delimited. Groups (wire types 3 and 4) do not exist in
    /// proto3 and are refused rather than walked.
    mutating func skip(type: UInt64) throws(SyncError) {
        switch type {
        case 0: _ = try varint()
        case 1: try advance(8)
        case 5: try advance(4)
        default: throw .malformed(detail: "wire type \(type)")
        }
    }

    /// A reader over the payload of a length-delimited field, which it skips.
    mutating func lengthDelimited() throws(SyncError) -> WireReader {
        let length = try varint()
        guard length <= UInt64(end - position) else { throw .malformed(detail: "truncated field") }
        let payload = WireReader(bytes: bytes, position: position, end: position + Int(length))
        position += Int(length)
        return payload
    }

    private mutating func advance(_ count: Int) throws(SyncError) {
        guard end - position >= count else { throw .malformed(detail: "truncated field") }
        position += count
    }

    private mutating func varint() throws(SyncError) -> UInt64 {
        var value: UInt64 = 0
        var shift: UInt64 = 0
        while position < end, shift < 64 {
            let byte = bytes[position]
            position += 1
            value |= UInt64(byte & 0x7F) << shift
            if byte & 0x80 == 0 { return value }
            shift += 7
        }
        throw .malformed(detail: "truncated or overlong varint")
    }
}
