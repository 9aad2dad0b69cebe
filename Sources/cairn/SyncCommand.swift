import ArgumentParser
import CairnControl

/// `cairn sync`: reconcile now instead of waiting for the next anti-entropy round.
struct SyncCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "sync",
        abstract: "Start a reconciliation round with connected peers now, and report what moved.",
        discussion: """
            Without --wait the rounds are started and the command returns at once. With --wait \
            it returns when each round has completed and every delta it found missing has been \
            sent and acknowledged (at most 60 seconds), and prints what moved each way.

            Examples:
              cairn sync
              cairn sync --peer bravo-hq --wait
              cairn sync --wait --json
            """)

    @OptionGroup var connection: ConnectionOptions

    @Option(name: .long, help: ArgumentHelp("Only this peer (its name or agency/device).", valueName: "name"))
    var peer: String?

    @Flag(name: .long, help: "Wait for the rounds to finish.")
    var wait = false

    @Flag(name: .long, help: "Print the API's JSON document.")
    var json = false

    func run() throws {
        let client = ControlClient(socketPath: connection.client.socketPath, timeout: max(connection.timeout, 90))
        let result = try client.sync(SyncRequest(peer: peer, wait: wait))
        if json { return try Output.json(result) }
        guard !result.rounds.isEmpty else { return Output.line("no peer is connected") }
        guard wait else {
            return Output.line("started a round with \(result.rounds.map(\.peer).joined(separator: ", "))")
        }
        Output.table(
            ["PEER", "COMPLETED", "DELTAS SENT", "DELTAS RECEIVED", "BYTES SENT", "BYTES RECEIVED"],
            result.rounds.map { round in
                [
                    round.peer, round.completed ? "yes" : "no", "\(round.deltasSent)", "\(round.deltasReceived)",
                    Format.bytes(Int64(round.bytesSent)), Format.bytes(Int64(round.bytesReceived)),
                ]
            })
        if result.rounds.contains(where: { !$0.completed }) {
            throw CLIError.failure("some rounds did not complete (the peer disconnected or took over 60 s)")
        }
    }
}
