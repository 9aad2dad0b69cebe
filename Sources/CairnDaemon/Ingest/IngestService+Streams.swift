import CairnModel
import CairnProtocol
import CairnStore

/// The streams this site holds, as a peer link needs them: their heads (what a round compares)
/// and their stored deltas (what a batch sends on), and the deltas that wait for a predecessor.
extension IngestService {
    /// The version vector over the streams of `levels`, sorted. In memory: the heads are copied
    /// under the ledger's lock, the vector is built outside it (safe on an event loop).
    func vector(levels: Set<String>) -> [StreamPosition] {
        let streams = ledger.read { $0.streams }
        return streams.compactMap { stream, head in
            levels.contains(stream.level)
                ? StreamPosition(author: stream.author, level: stream.level, sequence: head.sequence, head: head.deltaID) : nil
        }.sorted()
    }

    /// The authors of the streams held at `levels` (in memory).
    func authors(levels: Set<String>) -> Set<DeviceID> {
        let streams = ledger.read { $0.streams }
        return Set(streams.keys.filter { levels.contains($0.level) }.map(\.author))
    }

    /// Up to `limit` stored deltas of `stream` from sequence `from` on, in sequence order
    /// (blocking: a store read). A failed read throws: a batch is never built as if the
    /// stream had ended.
    func deltas(of stream: StreamID, from: UInt64, limit: Int) throws -> [(sequence: UInt64, envelope: [UInt8])] {
        try storeAccess {
            try database.deltas(author: stream.author.bytes, level: stream.level, fromSequence: from, limit: limit)
                .map { (sequence: $0.sequence, envelope: $0.envelope) }
        }
    }

    /// Received deltas waiting for a missing predecessor, and their bytes (in memory).
    func waitingDeltas() -> (count: Int, bytes: Int) {
        ledger.read { ($0.waiting.count, $0.waiting.bytes) }
    }
}
