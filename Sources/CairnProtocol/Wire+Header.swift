import CairnModel
import CairnWire
import Foundation

/// Conversions of delta headers. The header's bytes are produced once, by the author, and kept
/// verbatim from then on; `fromWire` only reads them.
enum WireHeader {
    static func toWire(_ header: DeltaHeader) -> Cairn_V1_DeltaHeader {
        var wire = Cairn_V1_DeltaHeader()
        wire.format = header.format
        wire.kind = header.kind == .grant ? .grant : .records
        wire.author = Data(header.author.bytes)
        wire.level = header.level
        wire.sequence = header.sequence
        wire.previous = Data(header.previous)
        wire.hlcWall = header.hlc.wallMillis
        wire.hlcCounter = header.hlc.counter
        if let epoch = header.epoch { wire.epoch = WireEpoch.toWire(epoch) }
        return wire
    }

    static func fromWire(_ wire: Cairn_V1_DeltaHeader) throws -> DeltaHeader {
        guard wire.format == DeltaHeader.currentFormat else { throw ProtocolError.unsupportedFormat(wire.format) }
        let kind: DeltaKind
        switch wire.kind {
        case .records: kind = .records
        case .grant: kind = .grant
        case .UNRECOGNIZED(let raw): throw ProtocolError.malformed(what: "delta header", detail: "unknown kind \(raw)")
        }
        guard wire.sequence >= 1 else { throw ProtocolError.malformed(what: "delta header", detail: "sequence 0") }
        let expectedPrevious = wire.sequence == 1 ? 0 : 32
        guard wire.previous.count == expectedPrevious else {
            throw ProtocolError.malformed(what: "delta header", detail: "previous id of \(wire.previous.count) bytes")
        }
        let epoch = wire.hasEpoch ? try WireEpoch.fromWire(wire.epoch) : nil
        switch (kind, epoch) {
        case (.records, nil): throw ProtocolError.epochMismatch("a records delta must name its epoch")
        case (.grant, .some): throw ProtocolError.epochMismatch("a grant delta names no epoch")
        default: break
        }
        return DeltaHeader(
            kind: kind, author: try WireContext.deviceID(Array(wire.author)), level: wire.level,
            sequence: wire.sequence, previous: Array(wire.previous),
            hlc: HLCTimestamp(wallMillis: wire.hlcWall, counter: wire.hlcCounter), epoch: epoch,
            format: wire.format)
    }
}

enum WireEpoch {
    static func toWire(_ epoch: EpochRef) -> Cairn_V1_EpochRef {
        var wire = Cairn_V1_EpochRef()
        wire.number = epoch.number
        wire.keyID = Data(epoch.keyID)
        return wire
    }

    static func fromWire(_ wire: Cairn_V1_EpochRef) throws -> EpochRef {
        try EpochRef(number: wire.number, keyID: Array(wire.keyID))
    }
}
