import CairnProtocol
import CairnTestSupport

/// Range-based reconciliation messages from a peer: `ReconcileMessage.decode` (size, range
/// prescan, protobuf, every field rule), then the message fed to sessions in each state an
/// honest exchange passes through, so the session's checks (whose turn, which ranges were left
/// open, refinement, bitmaps, values) run on it too. Invariant checked on every decoded
/// message: it encodes back to bytes that decode to the same message.
enum ReconcileFuzzer {
    static func run(_ data: [UInt8]) -> FuzzOutcome {
        var outcome = FuzzOutcome()
        let fixtures = ReconcileFuzzFixtures.shared
        guard let message = outcome.attempt({ try ReconcileMessage.decode(data, limits: fixtures.limits) }) else {
            return outcome
        }
        // A decoded message must survive its own encoding unchanged.
        let again = try? ReconcileMessage.decode(message.encode(), limits: fixtures.limits)
        precondition(again == message, "a reconcile message does not survive encode/decode")
        // Every state expects one round; feed the message to each, whatever its round.
        for state in fixtures.states {
            var session = state
            _ = try? session.receive(data)
            _ = session.outcome
        }
        return outcome
    }

    /// Seeds: every message of honest sessions between the fixture sets (one finding a few
    /// differences, one in sync, one from an empty side, one of certificates-sized items).
    static func seeds() -> [(String, [UInt8])] {
        let fixtures = ReconcileFuzzFixtures.shared
        var seeds: [(String, [UInt8])] = []
        for (index, message) in fixtures.messages.enumerated() {
            seeds.append(("differ-round\(index + 1)", message))
        }
        for (index, message) in fixtures.eagerMessages.enumerated() {
            seeds.append(("eager-round\(index + 1)", message))
        }
        for (name, local, remote) in [("insync", fixtures.local, fixtures.local), ("empty", fixtures.empty, fixtures.remote)] {
            for (index, message) in ReconcileFuzzFixtures.exchange(local, remote).enumerated() {
                seeds.append(("\(name)-round\(index + 1)", message))
            }
        }
        return seeds
    }
}

/// The fixed sets and session states of the reconcile target.
struct ReconcileFuzzFixtures: Sendable {
    static let shared = ReconcileFuzzFixtures()
    static let salt = [UInt8](repeating: 0x5A, count: 16)

    let limits = ReconcileLimits.default
    /// 300 random items.
    let local: ReconcileSet
    /// `local` with 10 values changed, 10 items removed and 10 added.
    let remote: ReconcileSet
    let empty: ReconcileSet
    /// The messages of an honest session from `local` to `remote`.
    let messages: [[UInt8]]
    /// The messages of an honest session opened eagerly between 60-item sets that differ in
    /// 3 items: a split, whole lists, and the replies to them.
    let eagerMessages: [[UInt8]]
    /// Fresh responders, and each side after each honest message it received (or sent).
    let states: [ReconcileSession]

    private init() {
        var random = SeededRandom(seed: 15)
        var items = (0..<300).map { _ in ReconcileItem(key: random.bytes(32), value: random.bytes(40)) }
        // Fixture data made here: the sets are well formed by construction.
        local = try! ReconcileSet(kind: .streamHeads, items: items)
        for index in 0..<10 { items[index].value = random.bytes(40) }
        items.removeLast(10)
        items += (0..<10).map { _ in ReconcileItem(key: random.bytes(32), value: random.bytes(40)) }
        remote = try! ReconcileSet(kind: .streamHeads, items: items)
        empty = try! ReconcileSet(kind: .streamHeads, items: [])
        messages = Self.exchange(local, remote)
        var small = Array(local.items.prefix(60))
        let smallLocal = try! ReconcileSet(kind: .streamHeads, items: small)
        small[7].value = random.bytes(40)
        small.removeLast()
        small.append(ReconcileItem(key: random.bytes(32), value: random.bytes(40)))
        let smallRemote = try! ReconcileSet(kind: .streamHeads, items: small)
        eagerMessages = Self.exchange(smallLocal, smallRemote, opening: .eager)
        states =
            [try! ReconcileSession.initiate(set: empty, session: 1, salt: Self.salt).0]
            + Self.replay(messages, local, remote, opening: .fingerprint)
            + Self.replay(eagerMessages, smallLocal, smallRemote, opening: .eager)
    }

    /// A fresh responder and initiator, then each side after each honest message it received.
    private static func replay(
        _ messages: [[UInt8]], _ local: ReconcileSet, _ remote: ReconcileSet, opening: ReconcileSession.Opening
    ) -> [ReconcileSession] {
        var initiator = try! ReconcileSession.initiate(set: local, session: 1, salt: salt, opening: opening).0
        var responder = ReconcileSession(responding: remote)
        var states = [responder, initiator]
        for (index, message) in messages.enumerated().dropLast() {
            if index % 2 == 0 {
                _ = try? responder.receive(message)
                states.append(responder)
            } else {
                _ = try? initiator.receive(message)
                states.append(initiator)
            }
        }
        return states
    }

    /// The messages of an honest session between two sets.
    static func exchange(_ local: ReconcileSet, _ remote: ReconcileSet, opening: ReconcileSession.Opening = .fingerprint) -> [[UInt8]] {
        // Fixture data made here: the sets and the salt are well formed by construction, so a
        // failure is a bug in the fixtures, and it stops the harness rather than leaving it
        // with fewer seeds and states than it claims. (No store is involved.)
        let (initiator, first) = try! ReconcileSession.initiate(set: local, session: 1, salt: salt, opening: opening)
        var sides = (initiator, ReconcileSession(responding: remote))
        var messages = [first]
        var pending: [UInt8]? = first
        var toResponder = true
        while let message = pending, messages.count < 64 {
            let output = toResponder ? try? sides.1.receive(message) : try? sides.0.receive(message)
            pending = output?.reply
            if let reply = pending { messages.append(reply) }
            toResponder.toggle()
        }
        return messages
    }
}
