import ArgumentParser
import CairnControl

/// `cairn status`: who the daemon is and what it holds.
struct StatusCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "status",
        abstract: "Show the daemon's identity, clearance, federation, levels and store.",
        discussion: """
            Asks the local daemon (GET /v1/status) which device it is, its clearance, the \
            federation and charter in force, the records and deltas it holds at each level up to \
            its clearance (levels above it are never shown), and the health of its store.

            Tables fit 100 columns (the peers name only the levels that lack or miss \
            something, and a peer's connection error follows the table); --wide shows them whole.

            Exits 3 with a message naming the socket when the daemon cannot be reached, which \
            makes `cairn status` the quick check of whether cairnd is running.

            Examples:
              cairn status
              cairn status --json | jq .levels
              cairn status --socket /tmp/lab/alpha-hq/cairnd.sock
            """)

    @OptionGroup var connection: ConnectionOptions

    @OptionGroup var layout: TableOptions

    @Flag(name: .long, help: "Print the API's JSON document (pretty, sorted keys).")
    var json = false

    func run() throws {
        let status = try connection.client.status()
        if json { return try Output.json(status) }
        var lines: [(String, String)] = [
            ("device", "\(status.device.ref) (id \(status.device.id.prefix(16))…)"),
            ("clearance", status.clearance),
            ("federation", "\(status.federation.name) (id \(status.federation.id))"),
            // The fingerprint on a line of its own keeps the lines within 100 columns.
            ("charter", "version \(status.federation.charterVersion)"),
            ("fingerprint", status.federation.charterFingerprint),
            ("daemon", Self.daemonLine(status)),
            ("certificate", "expires \(status.certificateExpires)"),
            (
                "store",
                "\(status.store.path), \(Format.bytes(status.store.sizeBytes)), "
                    + Format.count(status.store.quarantinedDeltas, "quarantined delta")
            ),
            ("holds", Format.holdings(records: status.records, deltas: status.deltas, keyGrants: status.keyGrantDeltas)),
        ]
        if let audit = status.audit {
            let witnesses = audit.witnessedBy.map { "\($0.peer) at \($0.seq)" }.joined(separator: ", ")
            lines.append((
                "audit",
                "head \(audit.headSeq), anchored \(audit.anchoredSeq.map { "\($0)" } ?? "-"), "
                    + Format.count(audit.unacknowledgedBreaks.count, "unacknowledged chain break")
                    + (witnesses.isEmpty ? "" : ", witnessed by \(witnesses)")
            ))
        }
        if status.store.checking {
            lines.append(("check", "the start-up check of the stored deltas and audit log is running"))
        }
        for problem in status.store.problems { lines.append(("problem", problem)) }
        Output.pairs(lines)
        Output.line()
        Output.table(
            ["LEVEL", "READABLE", "RECORDS", "DELETED", "DELTAS", "EPOCH"],
            status.levels.map { level in
                [
                    level.name, level.readable ? "yes" : "no", "\(level.records)", "\(level.deletedRecords)",
                    "\(level.deltas)", level.epoch.map { "\($0)" } ?? "-",
                ]
            })
        Output.line()
        Output.line("sync: " + (status.sync.listen.map { "listening on \($0)" } ?? "not listening"))
        if !status.sync.peers.isEmpty {
            Output.table(Self.peerTable(status.sync.peers, wide: layout.wide), width: layout.width)
        }
    }

    /// `cairnd VERSION, started …`, and this CLI's version too when it is another.
    static func daemonLine(_ status: StatusDocument) -> String {
        "cairnd \(status.version)" + (status.version == CairnVersion.string ? "" : " (this cairn is \(CairnVersion.string))")
            + ", started \(status.startedAt)" + (status.testMode ? ", TEST MODE" : "")
    }

    /// The peers in short, as in `cairn peer list`: connection errors under the table.
    static func peerTable(_ peers: [PeerDocument], wide: Bool) -> TextTable {
        TextTable(
            [
                .init("PEER"), .init("DEVICE"), .init("CONNECTED"), .init("LAST ROUND", dropRank: 1),
                .init("LACKING", fit: .wrap), .init("MISSING", fit: .wrap),
            ],
            rows: peers.map { peer in
                [
                    peer.name, peer.device ?? "-", peer.connected ? "yes" : "no", peer.lastRound ?? "-",
                    Format.levels(peer, \.lacking, compact: !wide), Format.levels(peer, \.missing, compact: !wide),
                ]
            },
            notes: Format.connectionErrors(peers))
    }
}
