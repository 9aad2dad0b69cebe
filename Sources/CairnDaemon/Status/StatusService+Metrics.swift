import CairnModel

extension StatusService {
    /// Sets the gauges that describe the store and keys, then renders every metric.
    func metricsExposition() throws -> [UInt8] {
        let recordCounts = try storeAccess { try database.recordCounts() }
        let deltaCounts = try storeAccess { try database.deltaCounts() }
        let size = try storeAccess { try database.databaseSizeBytes() }
        let quarantined = try storeAccess { try database.quarantined().count }
        let keyring = keyring()
        for level in identity.readableLevels {
            metrics.gauge("cairn_records", [("level", level)], Double(recordCounts[level] ?? 0))
            metrics.gauge("cairn_deltas", [("level", level)], Double(deltaCounts[level] ?? 0))
            metrics.gauge("cairn_key_epoch", [("level", level)], Double(keyring.current(level: level)?.0.number ?? 0))
        }
        metrics.gauge("cairn_store_size_bytes", [], Double(size))
        metrics.gauge("cairn_deltas_quarantined", [], Double(quarantined))
        metrics.gauge("cairn_store_checkpoint_failures", [], Double(database.checkpointFailures))
        try audit.checkAuditTail()
        let (head, breaks) = ledger.read { ($0.auditHead?.seq ?? 0, $0.auditBreaks.unacknowledged.count) }
        metrics.gauge("cairn_audit_entries", [], Double(head))
        metrics.gauge("cairn_audit_chain_breaks", [], Double(breaks))
        return metrics.exposition()
    }
}
