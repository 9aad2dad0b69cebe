import CairnModel
import CairnTestSupport

/// A federation of a few devices writing realistically: each keeps its own replica, sometimes
/// receives a prefix of another device's stream before writing, stamps writes with its own hybrid
/// clock (observing every received change) and builds operations with `updateOperations`, so
/// every `observed` context is one a real writer would produce.
struct Simulation {
    static let levels = ["RESTRICTED", "SECRET"]
    static let fieldNames = ["a", "b", "c", "d"]
    static let tagNames = ["x", "y", "z", "🚩"]
    static let types = ["incident", "person"]

    var rng: SeededRandom
    let authors: [DeviceID]
    var replicas: [RecordSet]
    var clocks: [HybridLogicalClock]
    /// Each author's own changes, in the order written.
    var streams: [[Change]]
    /// `held[r][a]`: how many of author a's changes replica r holds (always a prefix).
    var held: [[Int]]
    /// Every change, in the order written: a delivery order that respects causality.
    var log: [Change] = []
    private var wall: UInt64 = 1_000
    private let offsets: [UInt64]

    init(seed: UInt64) {
        rng = SeededRandom(seed: seed)
        let count = Int.random(in: 3...5, using: &rng)
        var ids: [DeviceID] = []
        for _ in 0..<count {
            ids.append(try! DeviceID(rng.bytes(32)))
        }
        authors = ids
        replicas = Array(repeating: RecordSet(), count: count)
        clocks = Array(repeating: HybridLogicalClock(clock: FixedWallClock(millis: 0)), count: count)
        streams = Array(repeating: [], count: count)
        held = Array(repeating: Array(repeating: 0, count: count), count: count)
        var skew: [UInt64] = []
        for _ in 0..<count { skew.append(UInt64.random(in: 0...4, using: &rng)) }
        offsets = skew
    }

    /// Runs `steps` rounds of: maybe receive, then write.
    mutating func run(steps: Int) throws {
        for _ in 0..<steps {
            let writer = Int.random(in: 0..<authors.count, using: &rng)
            if rng.chance(0.6) { try receive(at: writer) }
            try write(at: writer)
        }
    }

    /// Delivers to `replica` a random extension of its prefix of some other streams.
    mutating func receive(at replica: Int) throws {
        for source in authors.indices where source != replica && rng.chance(0.6) {
            let target = Int.random(in: held[replica][source]...streams[source].count, using: &rng)
            try deliver(to: replica, from: source, upTo: target)
        }
    }

    /// Brings every replica up to date, stream by stream, as anti-entropy eventually does.
    mutating func syncAll() throws {
        for replica in authors.indices {
            for source in authors.indices {
                try deliver(to: replica, from: source, upTo: streams[source].count)
            }
        }
    }

    private mutating func deliver(to replica: Int, from source: Int, upTo target: Int) throws {
        while held[replica][source] < target {
            let change = streams[source][held[replica][source]]
            try replicas[replica].apply(change)
            try clocks[replica].observe(change.hlc)
            held[replica][source] += 1
        }
    }

    private mutating func write(at writer: Int) throws {
        wall += UInt64.random(in: 0...2, using: &rng)
        clocks[writer] = HybridLogicalClock(
            clock: FixedWallClock(millis: wall + offsets[writer]), last: clocks[writer].last)
        let level = Self.levels.randomElement(using: &rng)!
        let local = replicas[writer]
        let candidates = local.records.values.filter { $0.level == level && !$0.isDeleted }.map(\.id).sorted()
        var operations: [Operation] = []
        if candidates.isEmpty || rng.chance(0.25) {
            let id = RecordID.generate(randomBytes: rng.bytes(16))
            operations += try edit(nil, id: id, type: Self.types.randomElement(using: &rng)!)
        }
        if !candidates.isEmpty {
            let touched = Int.random(in: 1...min(2, candidates.count), using: &rng)
            for id in candidates.shuffled(using: &rng).prefix(touched) {
                if rng.chance(0.05) {
                    operations += try RecordState.deleteOperations(current: local[id]!)
                } else {
                    let type = rng.chance(0.1) ? Self.types.randomElement(using: &rng) : nil
                    operations += try edit(local[id], id: id, type: type)
                }
            }
        }
        guard !operations.isEmpty else { return }
        let change = Change(author: authors[writer], level: level, hlc: clocks[writer].now(), operations: operations)
        try replicas[writer].apply(change)
        streams[writer].append(change)
        held[writer][writer] += 1
        log.append(change)
    }

    private mutating func edit(_ current: RecordState?, id: RecordID, type: String?) throws -> [Operation] {
        var fields: [String: FieldValue?] = [:]
        for name in Self.fieldNames where rng.chance(0.35) {
            fields[name] = rng.chance(0.15) ? .some(nil) : randomValue(depth: 0)
        }
        var add: [String] = []
        var remove: [String] = []
        for tag in Self.tagNames {
            switch Int.random(in: 0..<6, using: &rng) {
            case 0: add.append(tag)
            case 1: remove.append(tag)
            default: break
            }
        }
        return try RecordState.updateOperations(
            current: current, id: id, type: type, setFields: fields, addTags: add, removeTags: remove)
    }

    private mutating func randomValue(depth: Int) -> FieldValue {
        switch Int.random(in: 0..<(depth < 2 ? 8 : 6), using: &rng) {
        case 0: return .null
        case 1: return .bool(rng.chance(0.5))
        case 2: return .int(Int64.random(in: -3...3, using: &rng))
        case 3: return .double([0.5, -0.0, 0.0, 1e300].randomElement(using: &rng)!)
        case 4, 5: return .string(["", "open", "closed", "é"].randomElement(using: &rng)!)
        case 6: return .array((0..<Int.random(in: 0...2, using: &rng)).map { _ in randomValue(depth: depth + 1) })
        default: return .object(["k": randomValue(depth: depth + 1)])
        }
    }
}
