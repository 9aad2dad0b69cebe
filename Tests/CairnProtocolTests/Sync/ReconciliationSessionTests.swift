import CairnModel
import CairnProtocol
import Testing

/// The round state machine, driven frame by frame.
@Suite("ReconciliationSession")
struct ReconciliationSessionTests {
    typealias F = SyncFixtures
    let now = SyncFixtures.at(seconds: 0)

    static func completed(_ output: SessionOutput) -> [RoundReport] {
        output.events.compactMap { if case .roundCompleted(let report) = $0 { report } else { nil } }
    }

    @Test func agreeingRoundCostsTwoSmallFramesWhateverTheStoreSize() throws {
        let vector = F.largeVector(100_000)
        var a = ReconciliationSession(commonLevels: F.allLevels)
        var b = ReconciliationSession(commonLevels: F.allLevels)
        let summary = try a.startRound(local: vector)
        let answer = try b.receive(try #require(summary.frames.first), local: vector, now: now)
        #expect(answer.frames == [.agree(round: 1)])
        let end = try a.receive(.agree(round: 1), local: vector, now: now)
        let wire = (summary.frames + answer.frames).reduce(0) { $0 + $1.encode().count + 4 }
        #expect(wire < 1024)
        let reports = Self.completed(answer) + Self.completed(end)
        #expect(reports.count == 2)
        #expect(reports.allSatisfy { $0.inSync && $0.bytes == wire && $0.frames == 2 && $0.deltasToSend == 0 })
        #expect(a.openRound == nil)
        // Both now know the other holds everything.
        #expect(a.lacking(local: vector).isEmpty && b.lacking(local: vector).isEmpty)
        #expect(a.peer.hasVector && a.peer.sequences.count == 100_000)
    }

    @Test func disagreeingRoundExchangesVectorsAndComputesBothSidesRanges() throws {
        let (s1, s2, s3) = (F.stream(1), F.stream(2, "SECRET"), F.stream(3))
        let ours = [F.position(s1, 5), F.position(s2, 3)]
        let theirs = [F.position(s1, 2), F.position(s3, 4)]
        var a = ReconciliationSession(commonLevels: F.allLevels)
        var b = ReconciliationSession(commonLevels: F.allLevels)
        let summary = try a.startRound(local: ours)
        let vector = try b.receive(summary.frames[0], local: theirs, now: now)
        #expect(vector.frames == [.vector(round: 1, positions: theirs, reply: false)])
        #expect(vector.events == [.roundStarted(RoundID(origin: .peer, number: 1))])
        let reply = try a.receive(vector.frames[0], local: ours, now: now)
        #expect(reply.frames == [.vector(round: 1, positions: ours, reply: true)])
        #expect(reply.ranges == [StreamRange(stream: s1, sequences: 3...5), StreamRange(stream: s2, sequences: 1...3)])
        let last = try b.receive(reply.frames[0], local: theirs, now: now)
        #expect(last.frames.isEmpty, "a reply vector is never answered")
        #expect(last.ranges == [StreamRange(stream: s3, sequences: 1...4)])
        let cost = (summary.frames + vector.frames + reply.frames).reduce(0) { $0 + $1.encode().count + 4 }
        let reports = Self.completed(reply) + Self.completed(last)
        #expect(reports.map(\.bytes) == [cost, cost])
        #expect(reports.map(\.deltasToSend) == [6, 4])
        #expect(reports.allSatisfy { !$0.inSync && $0.frames == 3 })
        // Knowledge: each side learnt the other's vector.
        #expect(a.lacking(local: ours) == ["UNCLASSIFIED": 3, "SECRET": 3])
        #expect(b.lacking(local: theirs) == ["UNCLASSIFIED": 4])
        // And the other way: what the peer holds that each side still has to receive.
        #expect(a.missing(local: ours) == ["UNCLASSIFIED": 4])
        #expect(b.missing(local: theirs) == ["UNCLASSIFIED": 3, "SECRET": 3])
        // As deltas arrive the local vector grows and what is missing shrinks.
        #expect(b.missing(local: [F.position(s1, 4), F.position(s2, 3), F.position(s3, 4)]) == ["UNCLASSIFIED": 1])
        #expect(b.missing(local: ours + [F.position(s3, 4)]).isEmpty)
        a.noteDelivered(reply.ranges)
        #expect(a.lacking(local: ours).isEmpty)
    }

    @Test func duplicatedAndStaleFramesAreIgnored() throws {
        let ours = [F.position(F.stream(1), 5)]
        let theirs = [F.position(F.stream(1), 2)]
        var a = ReconciliationSession(commonLevels: F.allLevels)
        var b = ReconciliationSession(commonLevels: F.allLevels)
        let first = try a.startRound(local: ours)
        let second = try a.startRound(local: ours)
        #expect(second.events.first == .roundAbandoned(RoundID(origin: .local, number: 1)))
        // B answers both; the answer to the abandoned round is ignored.
        let answer1 = try b.receive(first.frames[0], local: theirs, now: now)
        let answer2 = try b.receive(second.frames[0], local: theirs, now: now)
        #expect(answer2.events.contains(.roundAbandoned(RoundID(origin: .peer, number: 1))))
        let stale = try a.receive(answer1.frames[0], local: ours, now: now)
        #expect(stale.frames.isEmpty && stale.ranges.isEmpty && stale.events == [.ignored(kind: "vector", round: 1)])
        let reply = try a.receive(answer2.frames[0], local: ours, now: now)
        #expect(reply.frames.count == 1 && reply.ranges.count == 1)
        // A duplicated vector or agree after the round ended, and a never-started round: ignored.
        #expect(try a.receive(answer2.frames[0], local: ours, now: now).frames.isEmpty)
        #expect(try a.receive(.agree(round: 2), local: ours, now: now).events == [.ignored(kind: "agree", round: 2)])
        #expect(try a.receive(.agree(round: 99), local: ours, now: now).events == [.ignored(kind: "agree", round: 99)])
        // B: the reply closes its round; a second copy answers nothing.
        #expect(try b.receive(reply.frames[0], local: theirs, now: now).events.count == 1)
        #expect(try b.receive(reply.frames[0], local: theirs, now: now).events == [.ignored(kind: "vector", round: 2)])
        // A duplicated summary is not answered twice.
        #expect(try b.receive(second.frames[0], local: theirs, now: now).frames.isEmpty)
    }

    @Test func equivocationIsReportedNotMerged() throws {
        let stream = F.stream(4)
        let ours = [F.position(stream, 3)]
        let theirs = [F.position(stream, 3, branch: 1)]
        var a = ReconciliationSession(commonLevels: F.allLevels)
        var b = ReconciliationSession(commonLevels: F.allLevels)
        let vector = try b.receive(try a.startRound(local: ours).frames[0], local: theirs, now: now)
        let reply = try a.receive(vector.frames[0], local: ours, now: now)
        #expect(reply.ranges.isEmpty)
        #expect(
            reply.equivocations == [
                Equivocation(stream: stream, sequence: 3, ours: ours[0].head, theirs: theirs[0].head)
            ])
        let last = try b.receive(reply.frames[0], local: theirs, now: now)
        #expect(
            last.equivocations == [
                Equivocation(stream: stream, sequence: 3, ours: theirs[0].head, theirs: ours[0].head)
            ])
    }

    @Test func aVectorNamingAnUncommonLevelIsRefused() throws {
        var a = ReconciliationSession(commonLevels: F.belowSecret)
        _ = try a.startRound(local: [])
        let lying = SyncFrame.vector(round: 1, positions: [F.position(F.stream(1, "SECRET"), 1)], reply: false)
        #expect(throws: SyncError.levelNotCommon("SECRET")) { try a.receive(lying, local: [], now: now) }
        // Even when it answers no round.
        let stale = SyncFrame.vector(round: 42, positions: [F.position(F.stream(1, "TOP_SECRET"), 1)], reply: true)
        #expect(throws: SyncError.levelNotCommon("TOP_SECRET")) { try a.receive(stale, local: [], now: now) }
    }

    @Test func positionsAboveTheCommonLevelsNeverLeave() throws {
        let secret = F.position(F.stream(9, "SECRET"), 7)
        let local = [F.position(F.stream(1), 2), F.position(F.stream(1, "CONFIDENTIAL"), 1), secret].sorted()
        let visible = local.filter { $0.level != "SECRET" }
        var a = ReconciliationSession(commonLevels: F.belowSecret)
        let summary = try a.startRound(local: local)
        #expect(summary.frames == [.summary(round: 1, digest: VectorDigest.digest(visible), streams: 2)])
        var b = ReconciliationSession(commonLevels: F.belowSecret)
        let vector = try b.receive(
            .summary(round: 1, digest: [UInt8](repeating: 0, count: 32), streams: 1), local: local, now: now)
        #expect(vector.frames == [.vector(round: 1, positions: visible, reply: false)])
        for frame in summary.frames + vector.frames {
            #expect(!frame.encode().containsBytes(Array("SECRET".utf8)))
            #expect(!frame.encode().containsBytes(secret.author.bytes))
        }
        #expect(b.lacking(local: local) == ["UNCLASSIFIED": 2, "CONFIDENTIAL": 1])
        b.notePeerHolds(secret.stream, through: 7)
        #expect(b.peer.sequences[secret.stream] == nil)
    }

    @Test func malformedLocalVectorsAreRefusedAndUnsortedOnesSorted() throws {
        var a = ReconciliationSession(commonLevels: F.allLevels)
        let p = F.position(F.stream(1), 2)
        #expect(throws: SyncError.invalidLocalVector("two positions name the same stream")) {
            try a.startRound(local: [p, p])
        }
        var badHead = p
        badHead.head = [1]
        #expect(throws: SyncError.self) { try a.startRound(local: [badHead]) }
        let q = F.position(F.stream(0), 1)
        let output = try a.startRound(local: [p, q])
        #expect(output.frames == [.summary(round: 1, digest: VectorDigest.digest([q, p]), streams: 2)])
    }

    @Test func aVectorLargerThanAFrameIsNotSent() throws {
        var b = ReconciliationSession(commonLevels: F.allLevels, limits: SyncLimits(maxFrameBytes: 1_000))
        let local = F.largeVector(20)
        #expect(
            throws: SyncError.vectorTooLarge(
                streams: 20, bytes: SyncFrame.vector(round: 1, positions: local, reply: false).wireSize, limit: 1_000)
        ) {
            try b.receive(
                .summary(round: 1, digest: [UInt8](repeating: 0, count: 32), streams: 0), local: local, now: now)
        }
    }

    @Test func otherFrameKindsAreNotTheSessionsToHandle() {
        var a = ReconciliationSession(commonLevels: F.allLevels)
        #expect(throws: SyncError.unexpectedFrame("ack")) {
            try a.receive(.ack(AckCounts(batch: 1)), local: [], now: now)
        }
        #expect(throws: SyncError.unexpectedFrame("goodbye")) { try a.receive(.goodbye("bye"), local: [], now: now) }
    }
}
