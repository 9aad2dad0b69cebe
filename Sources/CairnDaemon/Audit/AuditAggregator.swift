/// Folds events that strangers cause (handshake failures, garbage, Hello timeouts, refusals
/// before admission) into few audit entries, as a pure state machine with the clock passed in.
///
/// Whoever can reach a port can cause such events by the thousand per second; one entry each
/// would let them fill the disk through the audit log. So per key (entry kind, reason, source)
/// the first event is written at once, and the events that follow within `interval` are
/// counted and written as one entry carrying the count when the interval has passed (or at
/// `flush`). Each key thus writes at most one entry per interval, and the counts of its entries
/// add up to the events. Memory is bounded too: at most `maxKeys` keys are tracked, and events
/// of any other key go to one overflow key (`source` "other", `reason` "overflow") whose detail
/// keeps the count. Exact per-reason counts are in the metrics.
struct AuditAggregator: Sendable {
    struct Key: Hashable, Sendable {
        var kind: String
        var reason: String
        var source: String
    }

    /// An entry to append to the audit log.
    struct Entry: Equatable, Sendable {
        var kind: String
        var actor: String
        var detail: [String: String]
    }

    private struct Bucket: Sendable {
        /// When this key last wrote an entry (milliseconds).
        var lastWrittenAt: Int64
        /// Events since then, not yet written.
        var pending: Int = 0
        var firstPendingAt: Int64 = 0
        /// The detail of the first pending event, kept as an example.
        var sample: String?
    }

    /// The longest sample detail kept (events carry error texts; the entry keeps their start).
    static let maxSampleCharacters = 200

    let intervalMillis: Int64
    let maxKeys: Int
    /// The kind of the overflow key's entries.
    let overflowKind: String
    private var buckets: [Key: Bucket] = [:]

    init(intervalMillis: Int64 = 60_000, maxKeys: Int = 64, overflowKind: String = "audit.events_aggregated") {
        precondition(intervalMillis > 0 && maxKeys >= 1)
        self.intervalMillis = intervalMillis
        self.maxKeys = maxKeys
        self.overflowKind = overflowKind
    }

    /// Keys tracked now (at most `maxKeys` plus the overflow key).
    var keyCount: Int { buckets.count }

    /// Events counted but not yet written.
    var pendingEvents: Int { buckets.values.reduce(0) { $0 + $1.pending } }

    var overflowKey: Key { Key(kind: overflowKind, reason: "overflow", source: "other") }

    /// One event at `now` (milliseconds); returns the entry to write now, if any.
    mutating func record(kind: String, reason: String, source: String, detail: String?, now: Int64) -> Entry? {
        var key = Key(kind: kind, reason: reason, source: source)
        var detail = detail
        if buckets[key] == nil && buckets.count >= maxKeys + (buckets[overflowKey] == nil ? 0 : 1) {
            key = overflowKey
            detail = "\(kind) \(reason) from \(source)" + (detail.map { ": \($0)" } ?? "")
        }
        guard var bucket = buckets[key] else {
            buckets[key] = Bucket(lastWrittenAt: now)
            return entry(key, count: 1, firstAt: now, sample: detail)
        }
        if bucket.pending == 0 && now - bucket.lastWrittenAt >= intervalMillis {
            // Quiet for a whole interval: this event opens a new one and is written now.
            bucket.lastWrittenAt = now
            buckets[key] = bucket
            return entry(key, count: 1, firstAt: now, sample: detail)
        }
        if bucket.pending == 0 {
            bucket.firstPendingAt = now
            bucket.sample = detail
        }
        bucket.pending += 1
        buckets[key] = bucket
        return nil
    }

    /// The entries due at `now`: one per key whose interval has passed with events pending.
    /// Keys quiet for a whole interval are forgotten, which frees their room.
    mutating func due(now: Int64) -> [Entry] {
        var entries: [Entry] = []
        for (key, bucket) in buckets.sorted(by: { $0.key.ordered < $1.key.ordered }) {
            guard now - bucket.lastWrittenAt >= intervalMillis else { continue }
            if bucket.pending == 0 {
                buckets[key] = nil
                continue
            }
            entries.append(entry(key, count: bucket.pending, firstAt: bucket.firstPendingAt, sample: bucket.sample))
            buckets[key] = Bucket(lastWrittenAt: now)
        }
        return entries
    }

    /// Every pending count as an entry, whatever its interval (at shutdown); forgets every key.
    mutating func flush() -> [Entry] {
        let entries = buckets.sorted(by: { $0.key.ordered < $1.key.ordered }).compactMap { key, bucket in
            bucket.pending > 0 ? entry(key, count: bucket.pending, firstAt: bucket.firstPendingAt, sample: bucket.sample) : nil
        }
        buckets = [:]
        return entries
    }

    private func entry(_ key: Key, count: Int, firstAt: Int64, sample: String?) -> Entry {
        var detail = [
            "reason": key.reason, "source": key.source, "count": "\(count)", "first_at_ms": "\(firstAt)",
            "interval_seconds": "\(intervalMillis / 1000)",
        ]
        if let sample { detail["detail"] = String(sample.prefix(Self.maxSampleCharacters)) }
        return Entry(kind: key.kind, actor: "remote:\(key.source)", detail: detail)
    }
}

extension AuditAggregator.Key {
    /// A stable order for the entries of one tick (the audit log is easier to read sorted).
    fileprivate var ordered: String { "\(kind)\u{0}\(reason)\u{0}\(source)" }
}
