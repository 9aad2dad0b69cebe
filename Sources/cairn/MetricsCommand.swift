import ArgumentParser

/// `cairn metrics`: the daemon's metrics in the Prometheus text format.
struct MetricsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "metrics",
        abstract: "Print the daemon's metrics (Prometheus text format).",
        discussion: """
            The same text Prometheus scrapes from GET /metrics on the control socket: deltas \
            stored per level, commit groups and failures, control requests by route and status, \
            records, deltas and key epoch per level, store size, quarantined deltas and audit \
            entries. Needs the read right.

            Examples:
              cairn metrics
              cairn metrics | grep cairn_control_requests_total
            """)

    @OptionGroup var connection: ConnectionOptions

    func run() throws {
        let text = try connection.client.metrics()
        Output.line(text.hasSuffix("\n") ? String(text.dropLast()) : text)
    }
}
