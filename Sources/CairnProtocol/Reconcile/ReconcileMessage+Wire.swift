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
            let tags: Int = range.tags.count / 8
            let replied: Int = range.items.count / itemLength
            items += tags + replied
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
