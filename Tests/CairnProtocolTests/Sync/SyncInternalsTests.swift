import CairnModel
import Testing

@testable import CairnProtocol

/// Internal pieces whose effect is invisible through the public API: the raw count check that
/// runs before the protobuf parser allocates, and the range arithmetic of the outbox.
@Suite("Sync internals")
struct SyncInternalsTests {
    @Test func prescanCountsBeforeParsing() throws {
        let limits = SyncLimits(maxDeltasPerBatch: 2, maxVectorStreams: 2, maxCertificates: 2)
        let positions = (0..<3).map { SyncFixtures.position(SyncFixtures.stream($0), 1) }
        #expect(throws: SyncError.tooMany(what: "vector positions", count: 3, limit: 2)) {
            try SyncPrescan.check(
                SyncFrame.vector(round: 1, positions: positions, reply: false).encode(), limits: limits)
        }
        #expect(throws: SyncError.tooMany(what: "delta envelopes", count: 3, limit: 2)) {
            try SyncPrescan.check(SyncFrame.deltas(batch: 1, envelopes: [[1], [2], [3]]).encode(), limits: limits)
        }
        #expect(throws: SyncError.tooMany(what: "certificates", count: 3, limit: 2)) {
            try SyncPrescan.check(SyncFrame.certificates([[1], [2], [3]]).encode(), limits: limits)
        }
        // A oneof message repeated is merged by the parser, so the counts add up.
        let twice = SyncFrame.vector(round: 1, positions: Array(positions.prefix(2)), reply: false).encode()
        #expect(throws: SyncError.tooMany(what: "vector positions", count: 4, limit: 2)) {
            try SyncPrescan.check(twice + twice, limits: limits)
        }
        // Within the limits, and other kinds: nothing to say.
        try SyncPrescan.check(
            SyncFrame.vector(round: 1, positions: Array(positions.prefix(2)), reply: false).encode(), limits: limits)
        try SyncPrescan.check(SyncFrame.goodbye("x").encode(), limits: limits)
        try SyncPrescan.check([0x09, 1, 2, 3, 4, 5, 6, 7, 8, 0x15, 1, 2, 3, 4], limits: limits)
        #expect(throws: SyncError.malformed(detail: "truncated field")) {
            try SyncPrescan.check([0x09, 1, 2], limits: limits)
        }
        #expect(throws: SyncError.malformed(detail: "truncated or overlong varint")) {
            try SyncPrescan.check([0x08] + [UInt8](repeating: 0xFF, count: 11), limits: limits)
        }
    }

    @Test func sequenceRangesMergeSubtractAndClip() {
        var ranges = SequenceRanges()
        ranges.insert(10...20)
        ranges.insert(30...40)
        ranges.insert(21...22)
        #expect(ranges.ranges == [10...22, 30...40], "adjacent ranges merge")
        ranges.insert(5...8)
        ranges.insert(23...29)
        #expect(ranges.ranges == [5...8, 10...40])
        ranges.subtract(12...14)
        #expect(ranges.ranges == [5...8, 10...11, 15...40])
        ranges.removeThrough(10)
        #expect(ranges.ranges == [11...11, 15...40] && ranges.count == 27)
        ranges.removeThrough(.max)
        #expect(ranges.isEmpty)
        ranges.insert(UInt64.max - 1...UInt64.max)
        ranges.subtract(0...UInt64.max - 1)
        #expect(ranges.ranges == [UInt64.max...UInt64.max])
        #expect(StreamRange(stream: SyncFixtures.stream(1), sequences: 0...UInt64.max).count == .max)
    }

    @Test func streamQueueKeepsOrderAcrossCompaction() {
        var queue = StreamQueue()
        for index in 0..<3_000 { queue.append(SyncFixtures.stream(index)) }
        queue.removeFirst(2_000)
        #expect(queue.count == 1_000 && queue.peek(0) == SyncFixtures.stream(2_000) && queue.peek(1_000) == nil)
        queue.append(SyncFixtures.stream(9_999))
        queue.removeFirst(1_000)
        #expect(queue.peek(0) == SyncFixtures.stream(9_999))
        queue.removeFirst(1)
        #expect(queue.isEmpty)
    }

    @Test func everyErrorSaysWhatHappened() {
        let stream = SyncFixtures.stream(1)
        let all: [SyncError] = [
            .frameTooLarge(size: 5, limit: 4), .malformed(detail: "d"), .invalid(what: "w", detail: "d"),
            .tooMany(what: "w", count: 2, limit: 1), .tooLarge(what: "w", size: 2, limit: 1), .unsupportedProtocol(9),
            .levelNotCommon("SECRET"), .flooding("f"), .unexpectedFrame("ack"), .unknownBatch(7),
            .ackMismatch(batch: 1, sent: 2, counted: 3), .gapTooLarge(stream: stream, gap: 2, limit: 1),
            .notAGap(stream: stream, sequence: 2, head: 1), .pendingFull(count: 1, bytes: 2),
            .invalidLocalVector("v"), .vectorTooLarge(streams: 1, bytes: 2, limit: 1),
        ]
        #expect(Set(all.map(\.description)).count == all.count)
        #expect(SyncError.levelNotCommon("SECRET").description.contains("SECRET"))
        #expect(SyncError.unsupportedProtocol(9).description.contains("9"))
    }
}
