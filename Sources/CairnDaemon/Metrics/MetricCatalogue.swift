/// Every metric family the daemon exposes, with its type and help text, and the series that
/// exist from start at zero.
///
/// Alert rules such as `rate(cairn_deltas_rejected_total[10m]) > 0` need the series before its
/// first event: a counter that appears at 1 has no earlier sample, so its first increase is never
/// seen. So each family whose label values form a closed set (levels, refusal codes, outcomes)
/// is created at zero for every value when the daemon starts; families labelled by peer, route
/// or audit kind appear with their first event. Docs/ControlAPI.md lists the same families; a
/// test compares the two.
enum MetricCatalogue {
    enum Kind: String, Sendable {
        case counter, gauge
    }

    struct Family: Sendable {
        let name: String
        let kind: Kind
        let help: String
        /// The label sets that exist from start (at zero); `[[]]` for an unlabelled family,
        /// empty when every series appears with its first event.
        let zero: @Sendable (_ levels: [String]) -> [[(String, String)]]

        init(
            _ name: String, _ kind: Kind, _ help: String,
            zero: @escaping @Sendable (_ levels: [String]) -> [[(String, String)]] = { _ in [[]] }
        ) {
            self.name = name
            self.kind = kind
            self.help = help
            self.zero = zero
        }
    }

    /// No series before the first event (labels that name peers, routes or audit kinds).
    static let none: @Sendable ([String]) -> [[(String, String)]] = { _ in [] }

    static func one(_ label: String, _ values: [String]) -> @Sendable ([String]) -> [[(String, String)]] {
        { _ in values.map { [(label, $0)] } }
    }

    static func perLevel(_ extra: [(String, [String])] = []) -> @Sendable ([String]) -> [[(String, String)]] {
        { levels in
            var sets = levels.map { [("level", $0)] }
            for (label, values) in extra {
                sets = sets.flatMap { set in values.map { set + [(label, $0)] } }
            }
            return sets
        }
    }

    /// Codes of `cairn_sync_connection_errors_total` (`TransportError.metricCode`, and `io`).
    static let connectionErrorCodes = [
        "setup", "protocol_version", "alpn", "no_certificate", "key_type", "handshake", "handshake_timeout", "record_layer",
        "buffer_limit", "frame_too_large", "idle_timeout", "not_established", "closed", "options", "io",
    ]

    /// Codes of `cairn_sync_connections_refused_total`: the admission checks (Protocol.md,
    /// "Refusing a peer"), the admission gate's, and the link's own.
    static let connectionRefusalCodes = [
        "foreign_federation", "protocol_version", "certificate_invalid", "tls_key_mismatch", "certificate_not_yet_valid",
        "certificate_expired", "revoked", "self", "too_many_connections", "hello_timeout", "store", "evicted", "too_many_handshakes",
    ]

    /// Codes of `cairn_sync_reconcile_failures_total` (`ReconcileError.code`, and `timeout`).
    static let reconcileFailureCodes = [
        "too_large", "malformed", "invalid", "too_many", "version", "out_of_turn", "not_refining", "no_progress",
        "values_mismatch", "inconsistent", "session_limit", "session_over", "local_set", "local_limit", "timeout",
    ]

    static let families: [Family] = [
        Family("cairn_build_info", .gauge, "Always 1; the version label is the daemon's version.", zero: none),
        Family(
            "cairn_certificate_expiry_seconds", .gauge,
            "When this device's certificate expires, in Unix seconds (alert 30 days before).", zero: none),
        Family(
            "cairn_deltas_stored_total", .counter, "Deltas stored, by level and origin (local or peer).",
            zero: perLevel([("origin", ["local", "peer"])])),
        Family(
            "cairn_deltas_rejected_total", .counter, "Received deltas refused, by refusal code.",
            zero: one("reason", DeltaRefusal.allCases.map(\.rawValue))),
        Family(
            "cairn_deltas_not_applied_total", .counter, "Received deltas stored for their stream but not merged, by reason.",
            zero: one("reason", ["invalid_change", "grant_unreadable"])),
        Family("cairn_key_grant_deltas_total", .counter, "GRANT deltas this site wrote, by level.", zero: perLevel()),
        Family("cairn_key_rotations_total", .counter, "Keys this site rotated, by level.", zero: perLevel()),
        Family("cairn_commit_groups_total", .counter, "Ledger groups committed."),
        Family("cairn_commit_failures_total", .counter, "Ledger groups whose commit failed (every job of the group was refused)."),
        Family("cairn_control_requests_total", .counter, "Control API requests, by route and HTTP status.", zero: none),
        Family("cairn_control_connections", .gauge, "Control connections open now."),
        Family("cairn_control_connection_limit", .gauge, "control.max_connections as the daemon runs it."),
        Family(
            "cairn_control_connections_refused_total", .counter, "Control connections refused at accept, by reason.",
            zero: one("reason", ["too_many_for_uid", "too_many_connections", "no_credentials"])),
        Family(
            "cairn_control_connections_closed_total", .counter, "Control connections closed by a deadline, by reason.",
            zero: one("reason", ["header_timeout", "body_timeout", "idle_timeout", "send_timeout"])),
        Family(
            "cairn_control_accept_errors_total", .counter, "Failed accepts on the control socket, by error.",
            zero: one("error", ["emfile", "enfile", "enobufs", "enomem", "econnaborted"])),
        Family("cairn_records", .gauge, "Records held, by level.", zero: none),
        Family("cairn_deltas", .gauge, "Deltas held, by level.", zero: none),
        Family("cairn_key_epoch", .gauge, "The current key epoch, by level (0: no key held).", zero: none),
        Family("cairn_store_size_bytes", .gauge, "Bytes of the store: the database file and its write-ahead log.", zero: none),
        Family("cairn_deltas_quarantined", .gauge, "Deltas in the quarantine.", zero: none),
        Family("cairn_audit_entries", .gauge, "Sequence number of the audit log's last entry.", zero: none),
        Family(
            "cairn_store_failures_total", .counter, "Store failures that failed a job on a security path, by path.",
            zero: one("path", StorePath.allCases.map(\.rawValue))),
        Family("cairn_store_checkpoint_failures", .gauge, "Write-ahead-log checkpoints after a redaction that failed since start.", zero: none),
        Family("cairn_deltas_withdrawn_total", .counter, "Deltas withdrawn by a retroactive revocation or amendment, by level.", zero: perLevel()),
        Family(
            "cairn_records_recomputed_total", .counter, "Records recomputed after a withdrawal, by outcome.",
            zero: one("outcome", ["rebuilt", "removed"])),
        Family("cairn_audit_chain_breaks", .gauge, "Chain breaks of the audit log not acknowledged yet.", zero: none),
        Family(
            "cairn_audit_chain_breaks_recorded_total", .counter, "Audit chain breaks recorded since start, by where they were seen.",
            zero: one("source", ["anchor", "daemon", "peer"])),
        Family("cairn_audit_anchor_write_failures_total", .counter, "Audit anchor file writes that failed."),
        Family("cairn_audit_failures_total", .counter, "Audit entries that could not be appended, by kind.", zero: none),
        Family(
            "cairn_audit_aggregated_events_total", .counter, "Events strangers caused, counted although the audit log aggregates them.",
            zero: none),
        Family("cairn_charters_refused_total", .counter, "Charter amendments refused."),
        Family("cairn_revocations_refused_total", .counter, "Revocations refused."),
        Family("cairn_sync_peer_connected", .gauge, "1 when the peer is connected, else 0.", zero: none),
        Family("cairn_sync_peer_lacking_deltas", .gauge, "Deltas the peer lacks, by level.", zero: none),
        Family("cairn_sync_peer_missing_deltas", .gauge, "Deltas this site lacks of the peer's, by level.", zero: none),
        Family("cairn_sync_peer_deltas_sent", .gauge, "Deltas sent on the current connection, by level.", zero: none),
        Family("cairn_sync_peer_deltas_received", .gauge, "Deltas received on the current connection, by level.", zero: none),
        Family("cairn_sync_peer_bytes_sent", .gauge, "Frame bytes sent on the current connection.", zero: none),
        Family("cairn_sync_peer_bytes_received", .gauge, "Frame bytes received on the current connection.", zero: none),
        Family("cairn_sync_waiting_deltas", .gauge, "Received deltas waiting for a missing predecessor."),
        Family("cairn_sync_waiting_bytes", .gauge, "Bytes of the received deltas waiting for a missing predecessor."),
        Family("cairn_sync_rounds_total", .counter, "Sync rounds finished, by peer and whether both sides held the same.", zero: none),
        Family("cairn_sync_round_bytes_total", .counter, "Bytes of round frames, by peer.", zero: none),
        Family(
            "cairn_sync_round_failures_total", .counter, "Rounds this site could not run, by reason.",
            zero: one("reason", ["local_limit"])),
        Family(
            "cairn_sync_reconcile_sessions_total", .counter, "Reconciliation sessions finished, by role.",
            zero: one("role", ["initiator", "responder"])),
        Family(
            "cairn_sync_reconcile_failures_total", .counter, "Reconciliation sessions that failed and fell back, by reason.",
            zero: one("reason", reconcileFailureCodes)),
        Family("cairn_sync_deltas_sent_total", .counter, "Deltas sent, by peer.", zero: none),
        Family("cairn_sync_certificates_sent_total", .counter, "Device certificates sent, by peer.", zero: none),
        Family("cairn_sync_equivocations_total", .counter, "Equivocations seen while comparing vectors."),
        Family("cairn_sync_certificates_refused_total", .counter, "Certificates received that did not verify."),
        Family(
            "cairn_sync_connections_refused_total", .counter, "Sync connections this site closed, by refusal code.",
            zero: one("reason", connectionRefusalCodes)),
        Family(
            "cairn_sync_connection_errors_total", .counter, "Sync transport failures, by reason.",
            zero: one("reason", connectionErrorCodes)),
        Family("cairn_sync_unadmitted_connections", .gauge, "Accepted sync connections waiting for admission."),
        Family(
            "cairn_sync_store_failures_total", .counter, "Store errors that failed a sync link, by operation.",
            zero: one("operation", ["learn", "ingest", "read"])),
    ]

    static let byName: [String: Family] = Dictionary(uniqueKeysWithValues: families.map { ($0.name, $0) })
}
