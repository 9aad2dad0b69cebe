import CairnTestSupport
import Foundation

extension FaultProxy {
    /// Forwards one direction of `connection` until either side closes or a fault cuts it,
    /// applying the proxy's fault of the moment to each chunk read.
    func pump(from: Int32, to: Int32, connection: ProxyConnection, random: inout SeededRandom) {
        var boundaries = TLSRecordBoundaries()
        // Under `reorder`: bytes read but not yet sent (the start of an incomplete record) and
        // one complete record held back to be sent after the next.
        var pending: [UInt8] = []
        var held: [UInt8]?
        var buffer = [UInt8](repeating: 0, count: Self.chunkBytes)
        var stalled = false
        defer { connection.cut() }
        while !isStopped {
            let fault = self.fault
            if fault == .stall {
                // Read nothing: the sender's kernel buffers fill and its writes wait.
                if !stalled { count("stalled") }
                stalled = true
                Thread.sleep(forTimeInterval: 0.02)
                continue
            }
            stalled = false
            if case .reorder = fault {} else if !pending.isEmpty || held != nil {
                // Leaving `reorder`: what it still holds goes first, in order.
                guard send(pending, to: to), send(held ?? [], to: to) else { return }
                pending.removeAll(keepingCapacity: true)
                held = nil
            }
            var poller = pollfd(fd: from, events: Int16(POLLIN), revents: 0)
            let ready = poll(&poller, 1, 100)
            if ready < 0 && errno == EINTR { continue }
            guard ready >= 0 else { return }
            if ready == 0 {
                // Quiet: a record held back for reordering goes out rather than waiting forever.
                if let record = held {
                    held = nil
                    guard send(record, to: to) else { return }
                }
                continue
            }
            let read = recv(from, &buffer, buffer.count, 0)
            guard read > 0 else { return }
            let chunk = Array(buffer[0..<read])
            let ends = boundaries.ends(in: chunk)
            count("bytes", by: read)
            switch fault {
            case .none, .stall:
                guard send(chunk, to: to) else { return }
            case .partition:
                return
            case .drop(let probability):
                if random.chance(probability) {
                    count("dropped")
                    return
                }
                guard send(chunk, to: to) else { return }
            case .delay(let milliseconds):
                let wait = Int.random(in: 0...max(0, milliseconds), using: &random)
                count("delayed")
                Thread.sleep(forTimeInterval: Double(wait) / 1000)
                guard send(chunk, to: to) else { return }
            case .duplicate(let probability):
                guard send(chunk, to: to) else { return }
                if random.chance(probability) {
                    count("duplicated")
                    guard send(chunk, to: to) else { return }
                }
            case .truncate(let probability):
                if random.chance(probability) {
                    count("truncated")
                    _ = send(Array(chunk.prefix(Int.random(in: 0..<chunk.count, using: &random))), to: to)
                    return
                }
                guard send(chunk, to: to) else { return }
            case .flipBits(let probability):
                var bytes = chunk
                if random.chance(probability) {
                    let index = Int.random(in: 0..<bytes.count, using: &random)
                    bytes[index] ^= UInt8(1) << UInt8.random(in: 0..<8, using: &random)
                    count("flipped")
                }
                guard send(bytes, to: to) else { return }
            case .reorder(let probability):
                let start = pending.count
                pending += chunk
                var cut = 0
                for end in ends {
                    let record = Array(pending[cut..<(start + end)])
                    cut = start + end
                    if let earlier = held {
                        count("reordered")
                        held = nil
                        guard send(record, to: to), send(earlier, to: to) else { return }
                    } else if random.chance(probability) {
                        held = record
                    } else {
                        guard send(record, to: to) else { return }
                    }
                }
                pending.removeFirst(cut)
            }
        }
    }

    /// Writes all of `bytes`; false when the connection is gone.
    private func send(_ bytes: [UInt8], to fd: Int32) -> Bool {
        var offset = 0
        while offset < bytes.count {
            let written = bytes.withUnsafeBytes {
                Glibc.send(fd, $0.baseAddress! + offset, bytes.count - offset, Int32(MSG_NOSIGNAL))
            }
            if written < 0 && errno == EINTR { continue }
            guard written > 0 else { return false }
            offset += written
        }
        return true
    }
}
