import Foundation

/// What one direction of one connection has on the link: read from the sender, scheduled by the
/// shaper, not yet written to the receiver. One thread appends (the reader), one takes (the
/// writer).
///
/// Bounded: past `limitBytes` the reader stops reading, so the sender's kernel buffers fill and
/// its writes wait, as they would behind a full modem queue; the proxy's memory stays at most
/// `limitBytes` plus one read per direction of each connection.
final class DeliveryQueue: @unchecked Sendable {
    // @unchecked: every field is guarded by `condition`.

    enum Item {
        case bytes([UInt8], deliverAt: Double)
        /// The sender closed its side (FIN): forwarded after every byte before it.
        case end(deliverAt: Double)

        var deliverAt: Double {
            switch self {
            case .bytes(_, let at), .end(let at): return at
            }
        }

        var byteCount: Int {
            if case .bytes(let bytes, _) = self { return bytes.count }
            return 0
        }
    }

    let limitBytes: Int
    private let condition = NSCondition()
    private var items: [Item] = []
    private var queuedBytes = 0
    private var isCut = false

    init(limitBytes: Int) {
        self.limitBytes = limitBytes
    }

    /// Bytes read from the sender and not yet handed to the writer.
    var bytesQueued: Int { condition.withLock { queuedBytes } }

    /// Waits while the queue is full; false once the connection is cut.
    func waitForRoom() -> Bool {
        condition.lock()
        defer { condition.unlock() }
        while queuedBytes >= limitBytes && !isCut { condition.wait() }
        return !isCut
    }

    func append(_ new: [Item]) {
        condition.lock()
        defer { condition.unlock() }
        guard !isCut else { return }
        for item in new {
            queuedBytes += item.byteCount
            items.append(item)
        }
        condition.broadcast()
    }

    /// The next item in order once its delivery time (on `monotonicNow`) has come, waiting for
    /// both; nil once the connection is cut, which ends the wait at once rather than at the
    /// item's time.
    func nextDue() -> Item? {
        condition.lock()
        defer { condition.unlock() }
        while !isCut {
            guard let first = items.first else {
                condition.wait()
                continue
            }
            let wait = first.deliverAt - monotonicNow()
            guard wait > 0 else {
                // The queue holds at most `limitBytes` of packets (tens of items): removing the
                // first costs less than keeping a ring buffer.
                items.removeFirst()
                queuedBytes -= first.byteCount
                condition.broadcast()
                return first
            }
            // NSCondition waits on the wall clock; the deadline is rechecked on the monotonic
            // one, so a clock step only costs one more turn of the loop.
            _ = condition.wait(until: Date(timeIntervalSinceNow: wait))
        }
        return nil
    }

    /// Drops what is queued and wakes both threads for good.
    func cut() {
        condition.lock()
        defer { condition.unlock() }
        isCut = true
        items.removeAll()
        queuedBytes = 0
        condition.broadcast()
    }
}
