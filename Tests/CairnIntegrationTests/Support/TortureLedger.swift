import CairnControl
import Foundation

/// Every write the torture writers attempted and which of them the control API acknowledged,
/// shared by the writer threads.
///
/// Each record id belongs to one writer thread, which writes it sequentially, so after the run a
/// record must hold its last acknowledged value or a value attempted after it (a write whose
/// reply was lost when the daemon died may or may not have been committed; one acknowledged
/// must have been). Records never acknowledged may or may not exist.
final class TortureLedger: @unchecked Sendable {
    // @unchecked: every member is guarded by `lock`.

    /// One record's writes.
    struct Entry: Sendable {
        var site: String
        var level: String
        /// The last value the API acknowledged, nil while none was.
        var acknowledged: Int64?
        /// Values attempted after it whose outcome is unknown.
        var unknown: [Int64] = []

        /// Values the record may hold now.
        var allowed: Set<Int64> { Set(unknown + (acknowledged.map { [$0] } ?? [])) }
    }

    private let lock = NSLock()
    private var entries: [String: Entry] = [:]
    private var acknowledgedCount = 0
    private var failedCount = 0

    /// Notes a write about to be sent.
    func attempt(_ id: String, site: String, level: String, value: Int64) {
        lock.withLock {
            entries[id, default: Entry(site: site, level: level)].unknown.append(value)
        }
    }

    /// Notes that the API acknowledged `value` for `id`.
    func acknowledge(_ id: String, value: Int64) {
        lock.withLock {
            guard var entry = entries[id] else { return }
            entry.acknowledged = value
            entry.unknown = []
            entries[id] = entry
            acknowledgedCount += 1
        }
    }

    /// Notes a write that failed (the daemon was down or died while answering).
    func fail() { lock.withLock { failedCount += 1 } }

    var acknowledgedWrites: Int { lock.withLock { acknowledgedCount } }
    var failedWrites: Int { lock.withLock { failedCount } }

    /// Ids of `site`'s own records, for updates; empty at first.
    func ids(of site: String) -> [String] {
        lock.withLock { entries.filter { $0.value.site == site }.map(\.key) }
    }

    /// Records with an acknowledged value, by id.
    var acknowledged: [String: Entry] {
        lock.withLock { entries.filter { $0.value.acknowledged != nil } }
    }

    /// What is wrong with `records` (one site's listing of `level`) against the acknowledged
    /// writes at that level made at any of `sites`: at most `limit` descriptions.
    func problems(in records: [RecordDocument], level: String, sites: Set<String>, limit: Int = 10) -> [String] {
        let byID = Dictionary(records.map { ($0.id, $0) }, uniquingKeysWith: { first, _ in first })
        var problems: [String] = []
        for (id, entry) in acknowledged.sorted(by: { $0.key < $1.key })
        where entry.level == level && sites.contains(entry.site) {
            guard let record = byID[id] else {
                problems.append("\(id) (acknowledged by \(entry.site)) is missing")
                if problems.count >= limit { break }
                continue
            }
            guard case .int(let value)? = record.fields["v"], entry.allowed.contains(value), !record.isDeleted else {
                problems.append("\(id) holds \(record.fields["v"].map { "\($0)" } ?? "nothing"), expected one of \(entry.allowed.sorted())")
                if problems.count >= limit { break }
                continue
            }
        }
        return problems
    }
}
