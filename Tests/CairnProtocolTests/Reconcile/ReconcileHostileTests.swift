import CairnProtocol
import CairnTestSupport
import Testing

/// A cleared but hostile peer, and a lossy link: every bad message is refused with a typed
/// error (so the caller falls back and audits), the session never loops, and a duplicated,
/// dropped or reordered message at worst costs a new session, never a wrong result.
@Suite struct ReconcileHostileTests {
    static let salt = [UInt8](repeating: 0x33, count: 16)

    /// An honest run of d = 1 among 1,000 (five messages), to replay and tamper with.
    static func honest() throws -> (ReconcileSet, ReconcileSet, ReconcileRun) {
        let (local, remote) = try ReconcileFixtures.pair(shared: 1_000, changed: 1, seed: 99)
        let run = try ReconcileRun.run(local, remote, salt: salt)
        return (local, remote, run)
    }

    /// A fresh initiator that has sent round 1 (the same bytes as the honest run's).
    static func initiator(_ local: ReconcileSet, limits: ReconcileLimits = .default) throws -> ReconcileSession {
        try ReconcileSession.initiate(set: local, session: 1, salt: salt, limits: limits).0
    }

    static func message(_ round: UInt32, _ ranges: [ReconcileRange], values: [ReconcileValue] = []) -> [UInt8] {
        ReconcileMessage(
            set: .streamHeads, session: 1, round: round, salt: round == 1 ? salt : [], ranges: ranges, values: values
        ).encode()
    }

    static let fingerprint = [UInt8](repeating: 7, count: 16)

    @Test func duplicatedMessageEndsTheSessionAndANewOneAgrees() throws {
        let (local, remote, run) = try Self.honest()
        #expect(run.messages.count == 5)
        var initiator = try Self.initiator(local)
        _ = try initiator.receive(run.messages[1])
        #expect(throws: ReconcileError.outOfTurn("round 2, expected 4")) { try initiator.receive(run.messages[1]) }
        #expect(throws: ReconcileError.sessionOver) { try initiator.receive(run.messages[3]) }
        var random = SeededRandom(seed: 5)
        let again = try ReconcileRun.run(local, remote, session: 2, salt: random.bytes(16))
        #expect(again.initiator.outcome?.differences == ReconcileFixtures.expected(local, remote))
    }

    @Test func droppedOrReorderedMessagesAreRefused() throws {
        let (local, remote, run) = try Self.honest()
        var initiator = try Self.initiator(local)
        #expect(throws: ReconcileError.outOfTurn("round 4, expected 2")) { try initiator.receive(run.messages[3]) }
        var responder = ReconcileSession(responding: remote)
        #expect(throws: ReconcileError.outOfTurn("round 3 before round 1")) { try responder.receive(run.messages[2]) }
        var other = ReconcileSession(responding: remote)
        _ = try other.receive(run.messages[0])
        #expect(throws: ReconcileError.outOfTurn("round 5, expected 3")) { try other.receive(run.messages[4]) }
    }

    @Test func messageOfAnotherSessionOrSetIsRefused() throws {
        let (local, _, _) = try Self.honest()
        var initiator = try Self.initiator(local)
        let foreign = ReconcileMessage(set: .streamHeads, session: 2, round: 2, ranges: []).encode()
        #expect(throws: ReconcileError.outOfTurn("a message of another session")) { try initiator.receive(foreign) }
        var second = try Self.initiator(local)
        let certificates = ReconcileMessage(set: .certificates, session: 1, round: 2, ranges: []).encode()
        #expect(throws: ReconcileError.outOfTurn("a message for the certificates set")) { try second.receive(certificates) }
    }

    @Test func rangesOutOfOrderOverlappingOrOutsideTheKeySpaceAreRefused() throws {
        let limits = ReconcileLimits.default
        let cases: [(String, [ReconcileRange])] = [
            ("decreasing", [.init(upper: .key([9]), payload: .fingerprint(Self.fingerprint)), .init(upper: .key([5]), payload: .items(tags: []))]),
            ("overlapping", [.init(upper: .key([9]), payload: .fingerprint(Self.fingerprint)), .init(upper: .key([9]), payload: .items(tags: []))]),
            ("infinity first", [.init(upper: .infinity, payload: .items(tags: [])), .init(upper: .infinity, payload: .items(tags: []))]),
            ("trailing zero", [.init(upper: .key([9, 0]), payload: .fingerprint(Self.fingerprint))]),
            ("bound past 32 bytes", [.init(upper: .key(Array(repeating: 1, count: 33)), payload: .fingerprint(Self.fingerprint))]),
            ("trailing skip", [.init(upper: .key([9]), payload: .skip)]),
            ("short fingerprint", [.init(upper: .infinity, payload: .fingerprint([1, 2, 3]))]),
            ("unsorted reply", [.init(upper: .infinity, payload: .reply(items: [Self.item(9), Self.item(3)], missing: []))]),
            ("reply item above its range", [.init(upper: .key([5]), payload: .reply(items: [Self.item(9)], missing: []))]),
            ("empty bitmap bytes", [.init(upper: .infinity, payload: .reply(items: [], missing: [0]))]),
        ]
        for (name, ranges) in cases {
            #expect(throws: ReconcileError.self, "\(name)") { try ReconcileMessage.decode(Self.message(2, ranges), limits: limits) }
            var initiator = try Self.initiator(ReconcileFixtures.set([]))
            #expect(throws: ReconcileError.self, "\(name)") { try initiator.receive(Self.message(2, ranges)) }
        }
    }

    static func item(_ first: UInt8) -> ReconcileItem {
        ReconcileItem(key: [first] + Array(repeating: 1, count: 31), value: Array(repeating: 2, count: 40))
    }

    @Test func tooManyItemsOrRangesAreRefusedBeforeUse() throws {
        let limits = ReconcileLimits(maxRangesPerMessage: 40, maxItemsPerMessage: 64)
        let tags = [ReconcileRange(upper: .infinity, payload: .items(tags: Array(0..<65)))]
        #expect(throws: ReconcileError.tooMany(what: "tags and items", count: 65, limit: 64)) {
            try ReconcileMessage.decode(Self.message(2, tags), limits: limits)
        }
        let many = (1...41).map { ReconcileRange(upper: .key([UInt8($0)]), payload: .fingerprint(Self.fingerprint)) }
        #expect(throws: ReconcileError.tooMany(what: "ranges", count: 41, limit: 40)) {
            try ReconcileMessage.decode(Self.message(2, many), limits: limits)
        }
        let large = Self.message(2, [ReconcileRange(upper: .infinity, payload: .items(tags: Array(0..<600)))])
        #expect(throws: ReconcileError.messageTooLarge(size: large.count, limit: 1_000)) {
            try ReconcileMessage.decode(large, limits: ReconcileLimits(maxMessageBytes: 1_000))
        }
        #expect(throws: ReconcileError.self) { try ReconcileMessage.decode([0x32, 0x05, 0x01], limits: limits) }
        var version = Self.message(2, [])
        #expect(version[0] == 0x08 && version[1] == 0x01)
        version[1] = 0x02
        #expect(throws: ReconcileError.unsupportedVersion(2)) { try ReconcileMessage.decode(version, limits: limits) }
    }

    /// The initiator of a non-empty set asked with one fingerprint over everything.
    @Test func answersThatDoNotRefineAreRefused() throws {
        let (local, _, _) = try Self.honest()
        let cases: [(ReconcileError, [ReconcileRange])] = [
            // One fingerprint over a part, the rest skipped: not a cover of the range asked.
            (.notRefining("a partial answer to a fingerprint"), [.init(upper: .key([0x80]), payload: .fingerprint(Self.fingerprint))]),
            // A reply with a bitmap where no list was sent (a whole list has none).
            (
                .notRefining("a reply to a fingerprint that is not one whole list"),
                [.init(upper: .infinity, payload: .reply(items: [], missing: [1]))]
            ),
            // A whole list that is only part of the answer.
            (
                .notRefining("a reply to a fingerprint that is not one whole list"),
                [
                    .init(upper: .key([0x80]), payload: .reply(items: [], missing: [])),
                    .init(upper: .infinity, payload: .fingerprint(Self.fingerprint)),
                ]
            ),
            // A fingerprint over exactly the same range and nothing else: deferring everything.
            (.noProgress, [.init(upper: .infinity, payload: .fingerprint(Self.fingerprint))]),
        ]
        for (error, ranges) in cases {
            var initiator = try Self.initiator(local)
            #expect(throws: error) { try initiator.receive(Self.message(2, ranges)) }
        }
    }

    /// A peer that keeps deferring cannot make the session loop: each of its messages must
    /// settle something, and the message count is capped.
    @Test func aStallingPeerIsStopped() throws {
        let (local, remote, run) = try Self.honest()
        var initiator = try Self.initiator(local)
        _ = try initiator.receive(run.messages[1])
        // Round 3 asked about one range (the honest run's); deferring it alone is no progress.
        let asked = try ReconcileMessage.decode(run.messages[2], limits: .default)
        let deferred = asked.ranges.map { range -> ReconcileRange in
            if case .items = range.payload { return ReconcileRange(upper: range.upper, payload: .fingerprint(Self.fingerprint)) }
            return range
        }
        #expect(throws: ReconcileError.noProgress) { try initiator.receive(Self.message(4, deferred)) }
        // And whatever it does, a session ends within the message limit.
        let limits = ReconcileLimits(maxMessages: 4)
        #expect(throws: ReconcileError.sessionLimit(what: "messages", count: 5, limit: 4)) {
            try ReconcileRun.run(local, remote, limits: limits, salt: Self.salt)
        }
        let error = #expect(throws: ReconcileError.self) {
            try ReconcileRun.run(local, remote, limits: ReconcileLimits(maxSessionBytes: 400), salt: Self.salt)
        }
        guard case .sessionLimit(what: "bytes", _, limit: 400) = error else {
            Issue.record("unexpected \(String(describing: error))")
            return
        }
    }

    @Test func valuesThatAreNotTheListedItemsAreRefused() throws {
        let (local, _, run) = try Self.honest()
        // The message that carries values (round 5, the initiator's, in this run), tampered with.
        let position = try #require(run.messages.indices.first { try! ReconcileMessage.decode(run.messages[$0], limits: .default).values.count > 0 })
        var tampered = try ReconcileMessage.decode(run.messages[position], limits: .default)
        var value = tampered.values[0].value
        value[0] ^= 1
        tampered.values[0] = .reference(index: 0, value: value)
        var missing = tampered
        missing.values = []
        var extra = tampered
        extra.values.append(.item(Self.item(1)))
        var dangling = tampered
        dangling.values[0] = .reference(index: 5, value: value)
        for bad in [tampered, missing, extra, dangling] {
            var side = position % 2 == 0 ? ReconcileSession(responding: run.responder.set) : try Self.initiator(local)
            for earlier in stride(from: position % 2 == 0 ? 0 : 1, to: position, by: 2) { _ = try side.receive(run.messages[earlier]) }
            #expect(throws: ReconcileError.self) { try side.receive(bad.encode()) }
        }
    }

    /// A side that listed its tags cannot be told the peer lacks an item it listed itself.
    @Test func aReplyItemTheReceiverListedIsRefused() throws {
        var random = SeededRandom(seed: 3)
        let items = (0..<3).map { _ in ReconcileFixtures.item(&random) }
        var responder = ReconcileSession(responding: try ReconcileFixtures.set(items), limits: ReconcileLimits(wholeListItems: 0))
        // Three items, whole lists off: the responder answers a differing fingerprint with its
        // list of tags.
        let answer = try responder.receive(Self.message(1, [.init(upper: .infinity, payload: .fingerprint(Self.fingerprint))]))
        let list = try ReconcileMessage.decode(try #require(answer.reply), limits: .default)
        guard case .items(let tags) = list.ranges.first?.payload else {
            Issue.record("expected a list, got \(list.ranges)")
            return
        }
        #expect(tags.count == 3)
        let reply = Self.message(3, [.init(upper: .infinity, payload: .reply(items: [items.sorted()[1]], missing: []))])
        #expect(throws: ReconcileError.inconsistent("a reply item that we listed ourselves")) { try responder.receive(reply) }
    }

    /// A bitmap of the wrong length, or with a bit past the listed items, is refused, whether
    /// the list was of tags or whole.
    @Test(arguments: [0, 8])
    func aBitmapThatDoesNotFitTheListIsRefused(_ wholeListItems: Int) throws {
        var random = SeededRandom(seed: 4)
        let items = (0..<3).map { _ in ReconcileFixtures.item(&random) }
        for missing: [UInt8] in [[0b1000], [1, 1]] {
            var responder = ReconcileSession(
                responding: try ReconcileFixtures.set(items), limits: ReconcileLimits(wholeListItems: wholeListItems))
            _ = try responder.receive(Self.message(1, [.init(upper: .infinity, payload: .fingerprint(Self.fingerprint))]))
            let reply = Self.message(3, [.init(upper: .infinity, payload: .reply(items: [], missing: missing))])
            let error = #expect(throws: ReconcileError.self) { try responder.receive(reply) }
            guard case .invalid(what: "reply", _) = error else {
                Issue.record("unexpected \(String(describing: error))")
                continue
            }
        }
    }

    /// A side that sent its items whole cannot be sent one of them back as the peer's; an
    /// honest answer's bitmap says what the peer lacks and asks for nothing.
    @Test func answersToAWholeListAreChecked() throws {
        var random = SeededRandom(seed: 6)
        let items = (0..<3).map { _ in ReconcileFixtures.item(&random) }.sorted()
        func opened() throws -> ReconcileSession {
            var responder = ReconcileSession(responding: try ReconcileFixtures.set(items))
            let answer = try responder.receive(Self.message(1, [.init(upper: .infinity, payload: .fingerprint(Self.fingerprint))]))
            let list = try ReconcileMessage.decode(try #require(answer.reply), limits: .default)
            #expect(list.ranges.map(\.payload) == [.reply(items: items, missing: [])])
            return responder
        }
        var echoed = try opened()
        let echo = Self.message(3, [.init(upper: .infinity, payload: .reply(items: [items[1]], missing: []))])
        #expect(throws: ReconcileError.inconsistent("a reply item that we listed ourselves")) { try echoed.receive(echo) }

        // An honest answer: one item of the peer's, and our second item marked as not held.
        var answered = try opened()
        let theirs = ReconcileItem(key: items[1].key, value: Array(repeating: 9, count: 40))
        let output = try answered.receive(Self.message(3, [.init(upper: .infinity, payload: .reply(items: [theirs], missing: [0b010]))]))
        #expect(output.reply == nil && output.finished)
        #expect(answered.outcome?.differences == [ReconcileDifference(key: items[1].key, local: items[1].value, remote: theirs.value)])
    }
}
