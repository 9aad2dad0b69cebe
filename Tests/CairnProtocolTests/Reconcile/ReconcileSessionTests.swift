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
        try check(ReconcileRun.run(local, remote, session: random.next(), salt: random.bytes(16)), local, remote)
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
