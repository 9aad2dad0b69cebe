import Foundation
import CairnModel
import CairnProtocol
import CairnTrust

/// What the site reports of itself: status, the state digest, metrics.
struct StatusService: SiteService {
    let kernel: SiteKernel
}

/// What `cairn status` shows of a site (its identity is the kernel's).
struct SiteStatus: Sendable {
    struct Level: Sendable {
        let name: String
        /// Whether this site holds a key of the level.
        let readable: Bool
        let records: Int
        let deletedRecords: Int
        let deltas: Int
        let epoch: UInt64?
    }

    let charter: Charter
    let levels: [Level]
    /// Stored deltas that grant epoch keys (no record data), at every level this site holds.
    let keyGrantDeltas: Int
    let storePath: String
    let storeSizeBytes: Int64
    let quarantinedDeltas: Int
    let problems: [String]
    let checking: Bool
    let testMode: Bool
    let startedAt: Date
    let audit: AuditSummary
}

extension StatusService {
    /// What this site is and holds. Only levels within this device's clearance are listed;
    /// nothing above it is held, so nothing above it can be counted.
    func status() throws -> SiteStatus {
        let (keyring, deletedCounts) = try deletedCountsAndKeyring()
        let recordCounts = try storeAccess { try database.recordCounts() }
        let deltaCounts = try storeAccess { try database.deltaCounts() }
        let keyGrantDeltas = try storeAccess { try database.deltaCount(kind: DeltaKind.grant.rawValue) }
        let quarantined = try storeAccess { try database.quarantined().count }
        let size = try storeAccess { try database.databaseSizeBytes() }
        let levels = identity.readableLevels.map { level in
            SiteStatus.Level(
                name: level, readable: keyring.holds(level: level),
                records: (recordCounts[level] ?? 0) - (deletedCounts[level] ?? 0),
                deletedRecords: deletedCounts[level] ?? 0, deltas: deltaCounts[level] ?? 0,
                epoch: keyring.current(level: level).map { UInt64($0.0.number) })
        }
        var problems = storeCheck.problems
        let (audit, auditProblems) = try audit.auditStatus()
        problems += auditProblems
        if quarantined > 0 {
            problems.append("\(quarantined) corrupt delta(s) were quarantined; see the daemon log")
        }
        if let warning = Self.certificateWarning(notAfter: identity.certificate.notAfter, now: Int64(Date().timeIntervalSince1970)) {
            problems.append(warning)
        }
        return SiteStatus(
            // The newest charter accepted, which an amendment may have replaced since start.
            charter: trust.charter(), levels: levels, keyGrantDeltas: keyGrantDeltas, storePath: database.path, storeSizeBytes: size,
            quarantinedDeltas: quarantined, problems: problems, checking: storeCheck.isRunning, testMode: testMode,
            startedAt: startedAt, audit: audit)
    }

    /// How long before its certificate expires a site starts warning in `status`.
    static let certificateWarningSeconds: Int64 = 30 * 86_400

    /// The warning `status` gives when this device's certificate expires within 30 days (or has
    /// expired), else nil.
    static func certificateWarning(notAfter: Int64, now: Int64) -> String? {
        let left = notAfter - now
        guard left < certificateWarningSeconds else { return nil }
        let when = Date(timeIntervalSince1970: TimeInterval(notAfter)).formatted(.iso8601)
        let renew = "renew it with `cairn device certify` (the same request) and restart the daemon"
        if left <= 0 { return "this device's certificate expired at \(when): peers refuse it; \(renew)" }
        let days = left / 86_400
        let span = days == 0 ? "less than a day" : days == 1 ? "1 day" : "\(days) days"
        return "this device's certificate expires at \(when), in \(span): \(renew)"
    }

    /// The deleted records per level: from the tally kept in the store, or, when the store has
    /// none (made by an older version, or invalidated), counted by opening every record and
    /// then written to the store by the next commit group, which also keeps it current.
    ///
    /// The count runs outside the site's mutex (it can take seconds: with the mutex held the
    /// daemon answered nothing, sync included, until it was done); it is kept only if no group
    /// wrote records meanwhile, else counted again next time. One count runs at a time: callers
    /// that arrive meanwhile wait for it (each status call counting on its own made a million
    /// records take four minutes instead of forty seconds, and held a pool thread apiece). The
    /// daemon starts the count after start (`StoreCheck`) when the store has no tally.
    func deletedCountsAndKeyring(
        eachRecord: (() -> Void)? = nil, cancelled: () -> Bool = { false }
    ) throws -> (EpochKeyring, [String: Int]) {
        if let known = ledger.read({ state in state.deletedCounts.map { (state.keyring, $0) } }) { return known }
        deletedCountLock.lock()
        defer { deletedCountLock.unlock() }
        let (keyring, cached, generation) = ledger.read { ($0.keyring, $0.deletedCounts, $0.recordGeneration) }
        if let cached { return (keyring, cached) }
        var counts: [String: Int] = [:]
        var stopped = false
        try storeAccess {
            try database.forEachRecord(level: nil) { row in
                if cancelled() {
                    stopped = true
                    return false
                }
                eachRecord?()
                if try open(row, keyring: keyring).isDeleted { counts[row.level, default: 0] += 1 }
                return true
            }
        }
        if stopped { throw CancellationError() }
        let kept = ledger.amend { state in
            guard state.recordGeneration == generation, state.deletedCounts == nil else { return false }
            state.deletedCounts = counts
            state.deletedCountsUnsaved = true
            return true
        }
        if kept {
            // An empty group writes the tally (a failure only means counting again next start).
            _ = try? ledger.submitAndWait { _ in }
        }
        return (keyring, counts)
    }
}
