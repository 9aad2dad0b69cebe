import CairnCrypto
import CairnModel
import CairnProtocol
import CairnTestSupport

/// Deterministic ids, positions and chains for the sync tests.
enum SyncFixtures {
    static let levels = ["UNCLASSIFIED", "RESTRICTED", "CONFIDENTIAL", "SECRET"]
    static let allLevels = Set(levels)
    static let belowSecret: Set<String> = ["UNCLASSIFIED", "RESTRICTED", "CONFIDENTIAL"]

    /// A device id whose bytes sort as `index` does.
    static func device(_ index: Int) -> DeviceID {
        var bytes = [UInt8](repeating: 0xD0, count: 28)
        bytes += [24, 16, 8, 0].map { UInt8(truncatingIfNeeded: index >> $0) }
        return try! DeviceID(bytes)
    }

    static func stream(_ index: Int, _ level: String = "UNCLASSIFIED") -> StreamID {
        StreamID(author: device(index), level: level)
    }

    /// The id of delta `sequence` of `stream` on branch `branch` (another branch = equivocation).
    static func deltaID(_ stream: StreamID, _ sequence: UInt64, branch: UInt8 = 0) -> [UInt8] {
        var input = stream.author.bytes + Array(stream.level.utf8)
        input += (0..<8).map { UInt8(truncatingIfNeeded: sequence >> (8 * UInt64($0))) } + [branch]
        return BLAKE2b.hash(input)
    }

    static func position(_ stream: StreamID, _ sequence: UInt64, branch: UInt8 = 0) -> StreamPosition {
        StreamPosition(
            author: stream.author, level: stream.level, sequence: sequence,
            head: deltaID(stream, sequence, branch: branch))
    }

    /// `count` positions with cheap distinct heads, sorted: for the large-vector tests.
    static func largeVector(_ count: Int, sequence: UInt64 = 42) -> [StreamPosition] {
        (0..<count).map { index in
            var head = [UInt8](repeating: 0x5A, count: 28)
            head += [24, 16, 8, 0].map { UInt8(truncatingIfNeeded: index >> $0) }
            return StreamPosition(author: device(index), level: "RESTRICTED", sequence: sequence, head: head)
        }
    }

    static let epoch = ContinuousClock.now
    static func at(seconds: Int) -> ContinuousClock.Instant { epoch.advanced(by: .seconds(seconds)) }
}

/// A simulated delta: the envelope encodes stream, sequence, id and predecessor, so that the
/// receiving site can "parse" it, plus padding to vary its size.
struct SimDelta: Hashable {
    var stream: StreamID
    var sequence: UInt64
    var id: [UInt8]
    var previous: [UInt8]
    var envelope: [UInt8]

    static func make(_ stream: StreamID, _ sequence: UInt64, padding: Int = 0) -> SimDelta {
        let id = SyncFixtures.deltaID(stream, sequence)
        let previous = sequence == 1 ? [] : SyncFixtures.deltaID(stream, sequence - 1)
        var envelope = stream.author.bytes + [UInt8(stream.level.utf8.count)] + Array(stream.level.utf8)
        envelope += (0..<8).map { UInt8(truncatingIfNeeded: sequence >> (8 * UInt64(7 - $0))) }
        envelope += id + [UInt8(previous.count)] + previous
        envelope += [UInt8](repeating: 0xEE, count: padding)
        return SimDelta(stream: stream, sequence: sequence, id: id, previous: previous, envelope: envelope)
    }

    static func parse(_ envelope: [UInt8]) -> SimDelta {
        var cursor = 0
        func take(_ count: Int) -> [UInt8] {
            defer { cursor += count }
            return Array(envelope[cursor..<(cursor + count)])
        }
        let author = try! DeviceID(take(32))
        let level = String(decoding: take(Int(take(1)[0])), as: UTF8.self)
        let sequence = take(8).reduce(UInt64(0)) { $0 << 8 | UInt64($1) }
        let id = take(32)
        let previous = take(Int(take(1)[0]))
        return SimDelta(
            stream: StreamID(author: author, level: level), sequence: sequence, id: id, previous: previous,
            envelope: envelope)
    }
}

extension Array where Element == UInt8 {
    /// Whether `needle` occurs in these bytes: for checking that nothing secret was encoded.
    func containsBytes(_ needle: [UInt8]) -> Bool {
        guard !needle.isEmpty, needle.count <= count else { return needle.isEmpty }
        for start in 0...(count - needle.count) where self[start] == needle[0] {
            if self[start..<(start + needle.count)].elementsEqual(needle) { return true }
        }
        return false
    }
}
