import CairnProtocol
import CairnTestSupport

/// Runs two sides of a session against each other in memory and records what went over the
/// wire, so tests check outcomes and count bytes without sockets.
struct ReconcileRun {
    var initiator: ReconcileSession
    var responder: ReconcileSession
    /// Every message, in order (odd positions from the initiator).
    var messages: [[UInt8]] = []

    var bytes: Int { messages.reduce(0) { $0 + $1.count } }
    /// Round trips, counting a last half trip as one.
    var roundTrips: Int { (messages.count + 1) / 2 }

    /// Runs a session between `local` (initiator) and `remote` (responder) to the end; the
    /// responder uses `responderLimits` when given (a peer of another release), else `limits`.
    static func run(
        _ local: ReconcileSet, _ remote: ReconcileSet, limits: ReconcileLimits = .default, responderLimits: ReconcileLimits? = nil,
        session: UInt64 = 1, salt: [UInt8] = Array(repeating: 0x5A, count: 16), opening: ReconcileSession.Opening = .fingerprint
    ) throws -> ReconcileRun {
        let (initiator, first) = try ReconcileSession.initiate(set: local, session: session, salt: salt, limits: limits, opening: opening)
        var run = ReconcileRun(initiator: initiator, responder: ReconcileSession(responding: remote, limits: responderLimits ?? limits))
        run.messages.append(first)
        var pending: [UInt8]? = first
        var toResponder = true
        while let message = pending {
            let output = toResponder ? try run.responder.receive(message) : try run.initiator.receive(message)
            pending = output.reply
            if let reply = output.reply { run.messages.append(reply) }
            toResponder.toggle()
        }
        return run
    }
}

/// Random item sets for the properties.
enum ReconcileFixtures {
    static func item(_ random: inout SeededRandom, kind: ReconcileSetKind = .streamHeads) -> ReconcileItem {
        ReconcileItem(key: random.bytes(32), value: random.bytes(kind.valueLength))
    }

    static func set(_ items: [ReconcileItem], kind: ReconcileSetKind = .streamHeads) throws -> ReconcileSet {
        try ReconcileSet(kind: kind, items: items)
    }

    /// Two sets sharing `shared` items; then `onlyLocal`, `onlyRemote` and `changed` (same key,
    /// another value) items.
    static func pair(
        shared: Int, onlyLocal: Int = 0, onlyRemote: Int = 0, changed: Int = 0, seed: UInt64, kind: ReconcileSetKind = .streamHeads
    ) throws -> (ReconcileSet, ReconcileSet) {
        var random = SeededRandom(seed: seed)
        let common = (0..<shared).map { _ in item(&random, kind: kind) }
        let mine = (0..<onlyLocal).map { _ in item(&random, kind: kind) }
        let theirs = (0..<onlyRemote).map { _ in item(&random, kind: kind) }
        let keys = (0..<changed).map { _ in random.bytes(32) }
        let localChanged = keys.map { ReconcileItem(key: $0, value: random.bytes(kind.valueLength)) }
        let remoteChanged = keys.map { ReconcileItem(key: $0, value: random.bytes(kind.valueLength)) }
        return (
            try set(common + mine + localChanged, kind: kind), try set(common + theirs + remoteChanged, kind: kind)
        )
    }

    /// The symmetric difference computed directly: what both sides must find.
    static func expected(_ local: ReconcileSet, _ remote: ReconcileSet) -> [ReconcileDifference] {
        var ours: [[UInt8]: [UInt8]] = [:]
        for item in local.items { ours[item.key] = item.value }
        var theirs: [[UInt8]: [UInt8]] = [:]
        for item in remote.items { theirs[item.key] = item.value }
        return Set(ours.keys).union(theirs.keys)
            .filter { ours[$0] != theirs[$0] }
            .sorted { $0.lexicographicallyPrecedes($1) }
            .map { ReconcileDifference(key: $0, local: ours[$0], remote: theirs[$0]) }
    }

    /// `differences` as the other side sees them.
    static func swapped(_ differences: [ReconcileDifference]) -> [ReconcileDifference] {
        differences.map { ReconcileDifference(key: $0.key, local: $0.remote, remote: $0.local) }
    }
}
