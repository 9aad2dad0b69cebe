import Foundation
import Testing

@testable import ThinLink

/// The queue between a connection's reader and writer: in order, never early, bounded, and cut
/// at once. Times are bounded below exactly (nothing may leave early) and above generously (a
/// loaded machine wakes threads late).
@Suite struct DeliveryQueueTests {
    @Test func itemsLeaveInOrderAndNeverBeforeTheirTime() {
        let queue = DeliveryQueue(limitBytes: 1 << 20)
        let start = monotonicNow()
        queue.append([
            .bytes([1], deliverAt: start + 0.05), .bytes([2, 2], deliverAt: start + 0.10), .end(deliverAt: start + 0.15),
        ])
        var seen: [Int] = []
        while let item = queue.nextDue() {
            #expect(monotonicNow() >= item.deliverAt)
            seen.append(item.byteCount)
            if case .end = item { break }
        }
        #expect(seen == [1, 2, 0])
        #expect(monotonicNow() - start < 5)
    }

    @Test func aCutEndsTheWaitForAFarItemAtOnce() {
        let queue = DeliveryQueue(limitBytes: 1 << 20)
        queue.append([.bytes([1], deliverAt: monotonicNow() + 60)])
        let start = monotonicNow()
        Thread.detachNewThread {
            usleep(100_000)
            queue.cut()
        }
        #expect(queue.nextDue() == nil)
        #expect(monotonicNow() - start < 5, "the writer slept towards the item's time")
        #expect(queue.bytesQueued == 0)
        #expect(!queue.waitForRoom())
    }

    @Test func theReaderWaitsWhileTheQueueIsFullAndGoesOnWhenItDrains() {
        let queue = DeliveryQueue(limitBytes: 1000)
        queue.append([.bytes(Array(repeating: 7, count: 600), deliverAt: 0), .bytes(Array(repeating: 8, count: 600), deliverAt: 0)])
        #expect(queue.bytesQueued == 1200)
        let returned = Flag()
        Thread.detachNewThread {
            if queue.waitForRoom() { returned.set() }
        }
        usleep(150_000)
        #expect(!returned.isSet, "the reader was let through a full queue")
        _ = queue.nextDue()  // 600 left: below the limit
        let deadline = monotonicNow() + 5
        while !returned.isSet && monotonicNow() < deadline { usleep(5_000) }
        #expect(returned.isSet)
        #expect(queue.bytesQueued == 600)
    }
}
