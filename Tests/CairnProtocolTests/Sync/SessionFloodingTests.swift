import CairnModel
import CairnProtocol
import Testing

/// A peer cannot make a session work without bound: summaries are rate limited, and frames that
/// overlap open rounds or answer nothing are counted until a round completes.
@Suite("ReconciliationSession flooding")
struct SessionFloodingTests {
    typealias F = SyncFixtures
    static let local = [F.position(F.stream(1), 3)]
    static let agreeing = VectorDigest.digest(local)
    static let differing = [UInt8](repeating: 0, count: 32)

    @Test func summariesAreLimitedPerWindow() throws {
        #expect(SyncLimits.default.maxSummariesPerWindow == 180)
        var b = ReconciliationSession(commonLevels: F.allLevels, limits: SyncLimits(maxSummariesPerWindow: 12))
        // Twelve agreeing rounds within the minute are fine (each completes, so no overlap).
        for round in 1...12 {
            let output = try b.receive(
                .summary(round: UInt64(round), digest: Self.agreeing, streams: 1), local: Self.local,
                now: F.at(seconds: round))
            #expect(output.frames == [.agree(round: UInt64(round))])
        }
        #expect(throws: SyncError.flooding("more than 12 summaries within 60.0 seconds")) {
            try b.receive(
                .summary(round: 13, digest: Self.agreeing, streams: 1), local: Self.local, now: F.at(seconds: 30))
        }
        // The window slides: a minute after the first, one more is accepted.
        let later = try b.receive(
            .summary(round: 14, digest: Self.agreeing, streams: 1), local: Self.local, now: F.at(seconds: 61))
        #expect(later.frames == [.agree(round: 14)])
    }

    @Test func summariesOverOpenRoundsAreBounded() throws {
        var b = ReconciliationSession(commonLevels: F.allLevels)
        // Each differing summary makes us send our whole vector; the peer never replies.
        _ = try b.receive(
            .summary(round: 1, digest: Self.differing, streams: 1), local: Self.local, now: F.at(seconds: 0))
        for round in 2...5 {
            let output = try b.receive(
                .summary(round: UInt64(round), digest: Self.differing, streams: 1), local: Self.local,
                now: F.at(seconds: round))
            #expect(output.frames.count == 1)
        }
        #expect(throws: SyncError.self) {
            try b.receive(
                .summary(round: 6, digest: Self.differing, streams: 1), local: Self.local, now: F.at(seconds: 6))
        }
    }

    @Test func framesAnsweringNothingAreBoundedUntilARoundCompletes() throws {
        var a = ReconciliationSession(commonLevels: F.allLevels)
        for round in 1...4 {
            #expect(
                try a.receive(.agree(round: UInt64(100 + round)), local: Self.local, now: F.at(seconds: 0)).frames
                    .isEmpty)
        }
        // A completed round shows the peer answers: the count starts again.
        let summary = try a.startRound(local: Self.local)
        _ = try a.receive(.agree(round: 1), local: Self.local, now: F.at(seconds: 1))
        #expect(summary.frames.count == 1)
        for round in 1...4 {
            _ = try a.receive(
                .vector(round: UInt64(200 + round), positions: [], reply: true), local: Self.local,
                now: F.at(seconds: 2))
        }
        do {
            _ = try a.receive(
                .vector(round: 300, positions: [], reply: false), local: Self.local, now: F.at(seconds: 3))
            Issue.record("a fifth frame answering nothing was accepted")
        } catch {
            guard case .flooding(let detail) = error else {
                Issue.record("\(error)")
                return
            }
            #expect(detail.contains("5 round frames in a row"))
        }
    }
}
