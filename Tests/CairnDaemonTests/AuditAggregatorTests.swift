import Testing

@testable import CairnDaemon

/// What strangers cause is folded into at most one audit entry per kind, reason and source per
/// interval, with counts that add up, in bounded memory, and nothing is lost at shutdown.
@Suite struct AuditAggregatorTests {
    static let minute: Int64 = 60_000

    private func count(_ entries: [AuditAggregator.Entry]) -> Int {
        entries.reduce(0) { $0 + Int($1.detail["count"] ?? "0")! }
    }

    @Test func aFloodFromOneSourceWritesOneEntryPerInterval() throws {
        var aggregator = AuditAggregator(intervalMillis: Self.minute, maxKeys: 8)
        var written: [AuditAggregator.Entry] = []
        // 3,000 failed handshakes in 3 seconds, ticks every 5 s for two minutes.
        for n in 0..<3_000 {
            if let entry = aggregator.record(
                kind: "sync.handshake_failed", reason: "handshake", source: "127.0.0.9", detail: "bad record \(n)", now: Int64(n))
            {
                written.append(entry)
            }
        }
        // The first is written at once, with its own detail; the rest wait for the interval.
        #expect(written.count == 1)
        let first = try #require(written.first)
        #expect(first.kind == "sync.handshake_failed" && first.actor == "remote:127.0.0.9")
        #expect(first.detail["count"] == "1" && first.detail["reason"] == "handshake" && first.detail["detail"] == "bad record 0")
        for tick in stride(from: Int64(5_000), through: 2 * Self.minute, by: 5_000) {
            written += aggregator.due(now: tick)
        }
        #expect(written.count == 2)
        let second = try #require(written.last)
        #expect(second.detail["count"] == "2999" && second.detail["detail"] == "bad record 1")
        #expect(second.detail["first_at_ms"] == "1" && second.detail["interval_seconds"] == "60")
        #expect(count(written) == 3_000)
        // Quiet for a whole interval after its last entry: the key is forgotten.
        #expect(aggregator.keyCount == 0)
    }

    @Test func aSteadyFloodWritesAtMostOneEntryPerIntervalAndCountsEverything() {
        var aggregator = AuditAggregator(intervalMillis: Self.minute, maxKeys: 8)
        var written: [AuditAggregator.Entry] = []
        // Ten events a second for ten minutes, ticks every 5 s, then a flush.
        var now: Int64 = 0
        while now < 10 * Self.minute {
            if let entry = aggregator.record(kind: "sync.handshake_failed", reason: "hello_timeout", source: "10.0.0.1", detail: nil, now: now) {
                written.append(entry)
            }
            now += 100
            if now % 5_000 == 0 { written += aggregator.due(now: now) }
        }
        written += aggregator.flush()
        #expect(count(written) == 6_000)
        // One entry when the flood starts, then one per interval (and the flush).
        #expect(written.count <= 12, "\(written.count) entries for ten minutes")
    }

    @Test func keysAreKindReasonAndSource() {
        var aggregator = AuditAggregator(intervalMillis: Self.minute, maxKeys: 8)
        let a = aggregator.record(kind: "sync.handshake_failed", reason: "handshake", source: "10.0.0.1", detail: nil, now: 0)
        let b = aggregator.record(kind: "sync.handshake_failed", reason: "hello_timeout", source: "10.0.0.1", detail: nil, now: 1)
        let c = aggregator.record(kind: "sync.handshake_failed", reason: "handshake", source: "10.0.0.2", detail: nil, now: 2)
        let d = aggregator.record(kind: "sync.peer_refused", reason: "handshake", source: "10.0.0.1", detail: nil, now: 3)
        let e = aggregator.record(kind: "sync.handshake_failed", reason: "handshake", source: "10.0.0.1", detail: nil, now: 4)
        #expect([a, b, c, d].allSatisfy { $0 != nil })
        #expect(e == nil)
        #expect(aggregator.keyCount == 4)
    }

    @Test func aKeyQuietForAnIntervalWritesItsNextEventAtOnce() {
        var aggregator = AuditAggregator(intervalMillis: Self.minute, maxKeys: 8)
        #expect(aggregator.record(kind: "k", reason: "r", source: "s", detail: nil, now: 0) != nil)
        #expect(aggregator.record(kind: "k", reason: "r", source: "s", detail: nil, now: Self.minute - 1) == nil)
        // The pending event is written by the tick, which starts a new interval.
        #expect(aggregator.due(now: Self.minute).map { $0.detail["count"] } == ["1"])
        #expect(aggregator.record(kind: "k", reason: "r", source: "s", detail: nil, now: Self.minute + 1) == nil)
        #expect(aggregator.due(now: Self.minute + 2).isEmpty, "written twice in one interval")
        #expect(aggregator.due(now: 2 * Self.minute).count == 1)
        // Nothing pending and a whole interval passed: the next event is written at once.
        #expect(aggregator.record(kind: "k", reason: "r", source: "s", detail: nil, now: 3 * Self.minute) != nil)
    }

    @Test func manySourcesOverflowIntoOneBucket() throws {
        var aggregator = AuditAggregator(intervalMillis: Self.minute, maxKeys: 16)
        var written: [AuditAggregator.Entry] = []
        for n in 0..<10_000 {
            if let entry = aggregator.record(
                kind: "sync.handshake_failed", reason: "handshake", source: "10.\(n / 256 % 256).\(n % 256).1", detail: nil, now: 0)
            {
                written.append(entry)
            }
            #expect(aggregator.keyCount <= 17)
        }
        // 16 sources written at once, then one entry for the first of the rest.
        #expect(written.count == 17)
        let overflow = try #require(written.last)
        #expect(overflow.detail["source"] == "other" && overflow.detail["reason"] == "overflow")
        #expect(overflow.detail["detail"]?.hasPrefix("sync.handshake_failed handshake from 10.0.16.1") == true)
        written += aggregator.flush()
        #expect(written.count == 18)
        #expect(count(written) == 10_000)
        #expect(aggregator.keyCount == 0)
    }

    @Test func flushWritesEveryPendingCountAndNothingElse() {
        var aggregator = AuditAggregator(intervalMillis: Self.minute, maxKeys: 8)
        for n in 0..<5 { _ = aggregator.record(kind: "k", reason: "a", source: "s", detail: nil, now: Int64(n)) }
        _ = aggregator.record(kind: "k", reason: "b", source: "s", detail: nil, now: 10)
        let flushed = aggregator.flush()
        #expect(flushed.count == 1)
        #expect(flushed.first?.detail["reason"] == "a" && flushed.first?.detail["count"] == "4")
        #expect(aggregator.pendingEvents == 0 && aggregator.flush().isEmpty)
    }

    @Test func samplesAreTruncated() {
        var aggregator = AuditAggregator(intervalMillis: Self.minute, maxKeys: 8)
        let long = String(repeating: "x", count: 5_000)
        let entry = aggregator.record(kind: "k", reason: "r", source: "s", detail: long, now: 0)
        #expect(entry?.detail["detail"]?.count == AuditAggregator.maxSampleCharacters)
    }
}
