import CairnModel
import CairnTestSupport

/// A wall clock frozen at one reading; tests move time by building a new clock.
struct FixedWallClock: WallClock {
    var millis: UInt64
    func nowMillis() -> UInt64 { millis }
}

/// Deterministic test values, so failures print the same ids on every run.
enum Fixture {
    /// A device id whose 32 bytes are all `n`: devices order by `n`.
    static func device(_ n: UInt8) -> DeviceID {
        // 32 bytes is always valid.
        try! DeviceID([UInt8](repeating: n, count: 32))
    }

    static func record(_ raw: String) -> RecordID {
        try! RecordID(raw)
    }

    static func hlc(_ wall: UInt64, _ counter: UInt32 = 0) -> HLCTimestamp {
        HLCTimestamp(wallMillis: wall, counter: counter)
    }

    static func stamp(_ wall: UInt64, _ device: UInt8, counter: UInt32 = 0) -> Stamp {
        Stamp(hlc: hlc(wall, counter), author: Fixture.device(device))
    }

    static let alice = device(1)
    static let bob = device(2)
    static let carol = device(3)
    static let level = "CONFIDENTIAL"
}

extension RecordSet {
    /// Builds a local update with `updateOperations`, stamps it and applies it, as a writer does.
    @discardableResult
    mutating func write(
        _ id: RecordID, by author: DeviceID, at hlc: HLCTimestamp, level: String = Fixture.level,
        type: String? = nil, set fields: [String: FieldValue?] = [:], add: [String] = [], remove: [String] = []
    ) throws -> Change {
        let operations = try RecordState.updateOperations(
            current: self[id], id: id, type: type, setFields: fields, addTags: add, removeTags: remove)
        let change = Change(author: author, level: level, hlc: hlc, operations: operations)
        try apply(change)
        return change
    }
}
