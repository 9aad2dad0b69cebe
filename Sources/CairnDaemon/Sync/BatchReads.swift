import CairnModel
import CairnProtocol
import CairnTrust

/// What the pump read from the store for the batch it is building: the answers to the fetches
/// of `DeltaOutbox.nextBatch` run on a copy of the outbox off the loop, served to `nextBatch`
/// when the batch is built on the loop; with the certificates of their authors.
///
/// An answer serves the fetches inside the window it was read for. A complete answer holds every
/// delta of the window the store held then (fewer than asked means it held no more). A fetch
/// that reaches beyond every window is not answered, so a delta stored and pushed after the
/// read is read again instead of being taken for missing.
///
/// An answer may also stop early, once its deltas hold more than a batch can take (`read`):
/// a batch built from it fills up before its last delta whatever came before, so it serves a
/// fetch from the window's start as the whole window would. A large stream is then read a
/// batch at a time, not whole for every batch.
struct BatchReads: Sendable {
    /// One read: up to `limit` deltas of `stream` from sequence `from`.
    struct Fetch: Hashable, Sendable {
        let stream: StreamID
        let from: UInt64
        let limit: Int

        /// One past the last sequence of the window (saturating).
        var end: UInt64 {
            let (sum, overflow) = from.addingReportingOverflow(UInt64(limit))
            return overflow ? .max : sum
        }
    }

    typealias Row = (sequence: UInt64, envelope: [UInt8])

    private struct Answer: Sendable {
        let fetch: Fetch
        let rows: [Row]
        /// Stopped once a batch could take no more, before the store ran out.
        let partial: Bool
    }

    private var answers: [StreamID: [Answer]] = [:]
    /// Certificates read with the deltas, by device.
    private(set) var certificates: [DeviceID: DeviceCertificate] = [:]

    /// The trust objects, when the site's had moved past what the link sent (read with the
    /// deltas: they go out before the batch), and the peer's charter version they were read for.
    var trust: (objects: TrustObjects, after: UInt64)?

    init() {}

    /// The deltas of `fetch`'s window, if a read covered it.
    func answer(_ fetch: Fetch) -> [Row]? {
        guard let held = answers[fetch.stream] else { return nil }
        let end = fetch.end
        for answer in held where answer.fetch.from <= fetch.from && end <= answer.fetch.end {
            if answer.partial, fetch.from != answer.fetch.from {
                // Past the window's start, a partial answer serves only what it holds.
                guard let last = answer.rows.last?.sequence, last >= end - 1 else { continue }
            }
            return answer.rows.filter { $0.sequence >= fetch.from && $0.sequence < end }
        }
        return nil
    }

    /// Reads `fetch` with `read` (the store: up to `limit` deltas from a sequence on), in
    /// chunks, and keeps the answer. Stops once the deltas read, all but the last, hold more
    /// than `batchBytes`: no batch takes past that point. Returns what it read.
    mutating func read(
        _ fetch: Fetch, batchBytes: Int, with read: (_ from: UInt64, _ limit: Int) throws -> [Row]
    ) rethrows -> [Row] {
        var rows: [Row] = []
        var bytes = 0
        var chunk = min(fetch.limit, 4)
        var next = fetch.from
        var partial = false
        while rows.count < fetch.limit {
            let got = try read(next, chunk)
            rows += got
            bytes += got.reduce(0) { $0 + $1.envelope.count }
            guard got.count == chunk, let last = got.last else { break }
            next = last.sequence &+ 1
            if bytes - last.envelope.count > batchBytes {
                partial = rows.count < fetch.limit
                break
            }
            // Enough to pass the budget at the average size so far, and one more.
            let average = max(1, bytes / rows.count)
            chunk = min(fetch.limit - rows.count, max(1, (batchBytes - bytes) / average + 2))
        }
        answers[fetch.stream, default: []].append(Answer(fetch: fetch, rows: rows, partial: partial))
        return rows
    }

    /// What building a batch from the reads gave: the frame (nil when there is nothing to send
    /// now), and, of the deltas served, how many per level and by which authors.
    struct Built {
        var frame: SyncFrame?
        var readByLevel: [String: UInt64] = [:]
        var authors: Set<DeviceID> = []
    }

    private struct Unread: Error {}

    /// The next batch of `outbox` built from what was read (on the loop), or nil, and `outbox`
    /// unchanged, when it needs a delta that was not read.
    func build(_ outbox: inout DeltaOutbox, peer: PeerKnowledge) -> Built? {
        var built = Built()
        var attempt = outbox
        do throws(Unread) {
            built.frame = try attempt.nextBatch(peer: peer) { (stream, from, limit) throws(Unread) in
                guard let rows = answer(Fetch(stream: stream, from: from, limit: limit)) else { throw Unread() }
                built.readByLevel[stream.level, default: 0] += UInt64(rows.count)
                if !rows.isEmpty { built.authors.insert(stream.author) }
                return rows
            }
        } catch {
            return nil
        }
        outbox = attempt
        return built
    }

    /// Reads what the next batch of `outbox` needs (off the loop) by building it on a copy
    /// against `store` (up to `limit` deltas of a stream from a sequence on), with what was
    /// read already. Returns the authors of the deltas it read.
    mutating func prepare(
        _ outbox: DeltaOutbox, peer: PeerKnowledge, store: (StreamID, UInt64, Int) throws -> [Row]
    ) rethrows -> Set<DeviceID> {
        var copy = outbox
        var authors: Set<DeviceID> = []
        _ = try copy.nextBatch(peer: peer) { stream, from, limit in
            let fetch = Fetch(stream: stream, from: from, limit: limit)
            if let rows = answer(fetch) { return rows }
            let rows = try read(fetch, batchBytes: outbox.limits.maxBatchBytes) { try store(stream, $0, $1) }
            if !rows.isEmpty { authors.insert(stream.author) }
            return rows
        }
        return authors
    }

    mutating func add(certificates: [DeviceCertificate]) {
        for certificate in certificates { self.certificates[certificate.deviceID] = certificate }
    }
}
