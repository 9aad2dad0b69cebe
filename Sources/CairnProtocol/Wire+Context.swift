import CairnModel
import CairnWire
import Foundation

/// Conversions of causal contexts, stamps and HLC readings. Entries are written sorted by
/// author so that one context has one encoding.
enum WireContext {
    static func toWire(_ context: CausalContext) -> [Cairn_V1_ObservedEntry] {
        context.entries.keys.sorted().map { author in
            let reading = context.entries[author]!
            var entry = Cairn_V1_ObservedEntry()
            entry.author = Data(author.bytes)
            entry.hlcWall = reading.wallMillis
            entry.hlcCounter = reading.counter
            return entry
        }
    }

    static func fromWire(_ entries: [Cairn_V1_ObservedEntry]) throws -> CausalContext {
        var context = CausalContext()
        for entry in entries {
            let author = try deviceID(Array(entry.author))
            context.include(Stamp(hlc: HLCTimestamp(wallMillis: entry.hlcWall, counter: entry.hlcCounter), author: author))
        }
        return context
    }

    static func toWire(_ stamp: Stamp) -> Cairn_V1_Stamp {
        var wire = Cairn_V1_Stamp()
        wire.hlcWall = stamp.hlc.wallMillis
        wire.hlcCounter = stamp.hlc.counter
        wire.author = Data(stamp.author.bytes)
        return wire
    }

    static func fromWire(_ wire: Cairn_V1_Stamp) throws -> Stamp {
        Stamp(hlc: HLCTimestamp(wallMillis: wire.hlcWall, counter: wire.hlcCounter), author: try deviceID(Array(wire.author)))
    }

    static func deviceID(_ bytes: [UInt8]) throws -> DeviceID {
        do {
            return try DeviceID(bytes)
        } catch {
            throw ProtocolError.malformed(what: "device id", detail: "\(error)")
        }
    }
}
