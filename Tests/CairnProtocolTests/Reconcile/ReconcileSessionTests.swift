import CairnProtocol
import CairnTestSupport
import Testing

/// Both sides of a session end knowing exactly the symmetric difference, with both values.
@Suite struct ReconcileSessionTests {
    @Test func equalSetsTakeOneSmallMessageEachWay() throws {
        let (local, remote) = try ReconcileFixtures.pair(shared: 1_000, seed: 1)
        let run = try ReconcileRun.run(local, remote)
        #expect(run.messages.count == 2)
        #expect(run.messages.allSatisfy { $0.count <= 64 }, "\(run.messages.map(\.count))")
        #expect(run.initiator.outcome?.differences == [])
        #expect(run.responder.outcome?.differences == [])
    }

    @Test(arguments: [(0, 0), (0, 5), (5, 0), (0, 500), (500, 0), (1, 1)])
    func emptyAndSmallSets(_ sizes: (Int, Int)) throws {
        let (local, remote) = try ReconcileFixtures.pair(shared: 0, onlyLocal: sizes.0, onlyRemote: sizes.1, seed: 2)
        try check(ReconcileRun.run(local, remote), local, remote)
    }

    /// Random pairs of many shapes: sizes, overlap, values changed on one key.
    @Test(arguments: 0..<40)
    func randomPairsFindTheSymmetricDifference(_ seed: UInt64) throws {
        var random = SeededRandom(seed: 1_000 + seed)
        let shared = Int(random.next() % 3_000)
        let onlyLocal = Int(random.next() % (random.chance(0.5) ? 5 : 300))
        let onlyRemote = Int(random.next() % (random.chance(0.5) ? 5 : 300))
        let changed = Int(random.next() % 40)
        let kind: ReconcileSetKind = random.chance(0.5) ? .streamHeads : .certificates
        let (local, remote) = try ReconcileFixtures.pair(
            shared: shared, onlyLocal: onlyLocal, onlyRemote: onlyRemote, changed: changed, seed: random.next(), kind: kind)
        // Either opening, and whole lists on, off (a peer of an older release) or up to the
        // threshold of tags, on each side.
        let opening: ReconcileSession.Opening = random.chance(0.5) ? .eager : .fingerprint
        let wholeLists = [0, 8, 64]
        let limits = ReconcileLimits(wholeListItems: wholeLists[Int(random.next() % 3)])
        let responderLimits = ReconcileLimits(wholeListItems: wholeLists[Int(random.next() % 3)])
        try check(
            ReconcileRun.run(
                local, remote, limits: limits, responderLimits: responderLimits, session: random.next(), salt: random.bytes(16),
                opening: opening),
            local, remote)
    }

    /// The opening of a connection on a thin link, one stream changed among 100: the eager
    /// opening (a split) is answered with the differing part's items themselves, and the
    /// initiator's reply ends the session: three messages, where a fingerprint and tags take
    /// five, and each side knows the other's value one round trip sooner.
    @Test func anEagerOpeningWithWholeListsSavesARoundTrip() throws {
        let (local, remote) = try ReconcileFixtures.pair(shared: 99, changed: 1, seed: 11)
        let eager = try ReconcileRun.run(local, remote, opening: .eager)
        try check(eager, local, remote)
        #expect(eager.messages.count == 3, "\(eager.messages.map(\.count))")
        // The second message is one whole list: the responder's items of the differing part.
        let second = try ReconcileMessage.decode(eager.messages[1], limits: .default)
        #expect(second.ranges.count(where: { if case .reply(let items, []) = $0.payload { !items.isEmpty } else { false } }) == 1)
        // The initiator knew everything once it had the list.
        var initiator = try ReconcileSession.initiate(set: local, session: 1, salt: Array(repeating: 0x5A, count: 16), opening: .eager).0
        let output = try initiator.receive(eager.messages[1])
        #expect(output.finished && output.reply == eager.messages[2])
        #expect(initiator.outcome?.differences == ReconcileFixtures.expected(local, remote))

        let before = try ReconcileRun.run(local, remote, limits: ReconcileLimits(wholeListItems: 0))
        try check(before, local, remote)
        #expect(before.messages.count == 5)
        // In sync, the eager opening costs a split instead of one fingerprint, and still one
        // message each way.
        let same = try ReconcileRun.run(local, local, opening: .eager)
        try check(same, local, local)
        #expect(same.messages.count == 2)
        #expect(same.bytes < 600, "\(same.messages.map(\.count))")
    }

    /// A side of an older release (whole lists off) is never sent one, and still answers ours.
    @Test func wholeListsGoOnlyToAPeerThatTakesThem() throws {
        let (local, remote) = try ReconcileFixtures.pair(shared: 99, onlyRemote: 1, changed: 2, seed: 12)
        let old = ReconcileLimits(wholeListItems: 0)
        var wholeListsSent = 0
        for (mine, theirs) in [(old, ReconcileLimits.default), (ReconcileLimits.default, old), (old, old)] {
            let run = try ReconcileRun.run(local, remote, limits: mine, responderLimits: theirs, opening: .eager)
            try check(run, local, remote)
            let messages = try run.messages.map { try ReconcileMessage.decode($0, limits: .default) }
            for (position, message) in messages.enumerated() {
                // Every reply answers a list of the message before (of tags, or a whole list),
                // unless it is itself a whole list, which only a side with whole lists may send.
                let listed =
                    position == 0
                    ? [] : Self.spans(messages[position - 1]).filter { if case .fingerprint = $0.payload { false } else { true } }
                for span in Self.spans(message) {
                    guard case .reply = span.payload else { continue }
                    if listed.contains(where: { $0.lower == span.lower && span.upper <= $0.upper }) { continue }
                    // Even positions are the initiator's.
                    let sender = position % 2 == 0 ? mine : theirs
                    #expect(sender.wholeListItems > 0, "a whole list in message \(position + 1) from a side without them")
                    wholeListsSent += 1
                }
            }
        }
        // The sides with whole lists did send some (the check above is not vacuous).
        #expect(wholeListsSent >= 2)
    }

    private typealias Span = (lower: ReconcileBound, upper: ReconcileBound, payload: ReconcileRange.Payload)

    /// The non-skip ranges of a message with their lower bounds.
    private static func spans(_ message: ReconcileMessage) -> [Span] {
        var lower = ReconcileBound.zero
        var spans: [Span] = []
        for range in message.ranges {
            if range.payload != .skip { spans.append((lower, range.upper, range.payload)) }
            lower = range.upper
        }
        return spans
    }

    /// Limits far below the defaults force replies in chunks and deferred ranges; the result is
    /// the same, in more messages. (The sizes keep sets under ranges × threshold / 2, where a
    /// session can always make progress, as the defaults do up to 262,000 items.)
    @Test(arguments: 0..<12)
    func tightLimitsStillFindEverything(_ seed: UInt64) throws {
        var random = SeededRandom(seed: 7_000 + seed)
        let limits = ReconcileLimits(
            branching: 2 + Int(random.next() % 15), itemsThreshold: 24 + Int(random.next() % 40), maxRangesPerMessage: 200,
            maxItemsPerMessage: 64, maxMessages: 400)
        let (local, remote) = try ReconcileFixtures.pair(
            shared: Int(random.next() % 1_500), onlyLocal: Int(random.next() % 300), onlyRemote: Int(random.next() % 300),
            changed: Int(random.next() % 100), seed: random.next())
        let run = try ReconcileRun.run(local, remote, limits: limits)
        try check(run, local, remote)
    }

    @Test func tightLimitsReplyInChunks() throws {
        let limits = ReconcileLimits(maxRangesPerMessage: 40, maxItemsPerMessage: 100, maxMessages: 200)
        let (local, remote) = try ReconcileFixtures.pair(shared: 0, onlyRemote: 1_000, seed: 3)
        let run = try ReconcileRun.run(local, remote, limits: limits)
        try check(run, local, remote)
        // 1,000 items 100 at a time: at least ten replies.
        #expect(run.messages.count >= 20)
    }

    @Test func sessionsWithTheSameItemsButAnotherSaltAgree() throws {
        let (local, remote) = try ReconcileFixtures.pair(shared: 2_000, onlyLocal: 3, onlyRemote: 4, changed: 5, seed: 4)
        for salt in 0..<4 {
            try check(ReconcileRun.run(local, remote, salt: Array(repeating: UInt8(salt), count: 16)), local, remote)
        }
    }

    /// A lossy link: one message of an honest session dropped, duplicated, or replaced by one
    /// of another session. Every side either refuses with a typed error (and the caller starts
    /// a new session) or, if it finishes, knows exactly the symmetric difference.
    @Test(arguments: 0..<24)
    func faultsCostASessionNeverAWrongResult(_ seed: UInt64) throws {
        var random = SeededRandom(seed: 9_000 + seed)
        let (local, remote) = try ReconcileFixtures.pair(
            shared: Int(random.next() % 1_500), onlyLocal: Int(random.next() % 30), onlyRemote: Int(random.next() % 30),
            changed: 1 + Int(random.next() % 30), seed: random.next())
        let salt = random.bytes(16)
        let honest = try ReconcileRun.run(local, remote, salt: salt)
        let other = try ReconcileRun.run(local, remote, session: 2, salt: random.bytes(16))
        var deliveries = Array(honest.messages.indices)
        let fault = Int(random.next() % UInt64(deliveries.count))
        var foreign: [UInt8]?
        switch random.next() % 3 {
        case 0: deliveries.remove(at: fault)
        case 1: deliveries.insert(fault, at: fault + 1)
        default: foreign = other.messages.indices.contains(fault) ? other.messages[fault] : other.messages.last
        }
        var initiator = try ReconcileSession.initiate(set: local, session: 1, salt: salt).0
        var responder = ReconcileSession(responding: remote)
        for (step, index) in deliveries.enumerated() {
            // Even indices come from the initiator, odd ones go to it.
            let bytes = foreign.flatMap { step == fault ? $0 : nil } ?? honest.messages[index]
            do {
                if index % 2 == 0 {
                    _ = try responder.receive(bytes)
                } else {
                    _ = try initiator.receive(bytes)
                }
            } catch {
                // Refused: the session is over for that side; a new one will be started.
                break
            }
        }
        let expected = ReconcileFixtures.expected(local, remote)
        if let outcome = initiator.outcome { #expect(outcome.differences == expected) }
        if let outcome = responder.outcome { #expect(outcome.differences == ReconcileFixtures.swapped(expected)) }
    }

    @Test func unusableLimitsAndSetsAreRefusedLocally() throws {
        let set = try ReconcileFixtures.set([])
        let salt = [UInt8](repeating: 1, count: 16)
        for limits in [ReconcileLimits(branching: 1), ReconcileLimits(itemsThreshold: 0), ReconcileLimits(maxRangesPerMessage: 10)] {
            let error = #expect(throws: ReconcileError.self) { try ReconcileSession.initiate(set: set, session: 1, salt: salt, limits: limits) }
            #expect(error?.isLocal == true)
        }
        #expect(throws: ReconcileError.invalidLocalSet("a salt of 8 bytes (16 expected)")) {
            try ReconcileSession.initiate(set: set, session: 1, salt: Array(salt.prefix(8)))
        }
        #expect(throws: ReconcileError.invalidLocalSet("one key twice")) {
            try ReconcileSet(kind: .certificates, items: Array(repeating: ReconcileItem(key: salt + salt, value: salt + salt), count: 2))
        }
        #expect(throws: ReconcileError.self) { try ReconcileSet(kind: .streamHeads, items: [ReconcileItem(key: salt, value: salt)]) }
    }

    @Test func aFinishedSessionRefusesMoreMessages() throws {
        let (local, remote) = try ReconcileFixtures.pair(shared: 10, seed: 5)
        var run = try ReconcileRun.run(local, remote)
        #expect(throws: ReconcileError.sessionOver) { try run.initiator.receive(run.messages[1]) }
    }

    private func check(_ run: ReconcileRun, _ local: ReconcileSet, _ remote: ReconcileSet) throws {
        let expected = ReconcileFixtures.expected(local, remote)
        #expect(run.initiator.isFinished && run.responder.isFinished)
        let initiator = try #require(run.initiator.outcome)
        let responder = try #require(run.responder.outcome)
        #expect(initiator.differences == expected, "initiator: \(initiator.differences.count) of \(expected.count)")
        #expect(responder.differences == ReconcileFixtures.swapped(expected))
        #expect(run.messages.count <= ReconcileLimits.default.maxMessages)
    }
}
