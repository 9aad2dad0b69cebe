import ArgumentParser
import CairnControl
import Foundation

/// `cairn sync`: reconcile now instead of waiting for the next anti-entropy round.
struct SyncCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "sync",
        abstract: "Start a reconciliation round with connected peers now, and report what moved.",
        discussion: """
            Without --wait the rounds are started and the command returns at once. With --wait \
            it returns when each round has completed, every delta it found missing has been \
            sent and acknowledged, and what the peer showed it holds beyond this site has \
            arrived (or nothing has arrived for 10 seconds), waiting at most --wait-seconds. It \
            then prints what moved each way; MISSING counts what the peer holds that this site \
            still lacks.

            A first sync of a large store can take minutes: while waiting, progress is shown on \
            standard error when it is a terminal (deltas received and still missing per peer), \
            and nothing is shown in a pipe.

            Examples:
              cairn sync
              cairn sync --peer bravo-hq --wait
              cairn sync --peer hq --wait --wait-seconds 1800
              cairn sync --wait --json
            """)

    @OptionGroup var connection: ConnectionOptions

    @Option(name: .long, help: ArgumentHelp("Only this peer (its name or agency/device).", valueName: "name"))
    var peer: String?

    @Flag(name: .long, help: "Wait for the rounds to finish.")
    var wait = false

    @Option(name: .long, help: ArgumentHelp("With --wait: give up after this many seconds (1 to 3600).", valueName: "seconds"))
    var waitSeconds = 60

    @OptionGroup var layout: TableOptions

    @Flag(name: .long, help: "Print the API's JSON document.")
    var json = false

    func validate() throws {
        guard (1...SyncRequest.maxWaitSeconds).contains(waitSeconds) else {
            throw ValidationError("--wait-seconds must be from 1 to \(SyncRequest.maxWaitSeconds).")
        }
    }

    func run() throws {
        let socket = connection.client.socketPath
        let client = ControlClient(socketPath: socket, timeout: max(connection.timeout, Double(waitSeconds) + 30))
        let request = SyncRequest(peer: peer, wait: wait, waitSeconds: wait ? waitSeconds : nil)
        let progress = wait && !json && isatty(STDERR_FILENO) == 1 ? SyncProgress(socketPath: socket, peer: peer) : nil
        progress?.start()
        let result: SyncResultDocument
        do {
            result = try client.sync(request)
            progress?.stop()
        } catch {
            progress?.stop()
            throw error
        }
        if json { return try Output.json(result) }
        guard !result.rounds.isEmpty else { return Output.line("no peer is connected") }
        guard wait else {
            return Output.line("started a round with \(result.rounds.map(\.peer).joined(separator: ", "))")
        }
        Output.table(
            TextTable(
                [
                    .init("PEER"), .init("COMPLETED"), .init("DELTAS SENT"), .init("DELTAS RECEIVED"),
                    .init("BYTES SENT", dropRank: 2), .init("BYTES RECEIVED", dropRank: 1), .init("MISSING"),
                ],
                rows: result.rounds.map { round in
                    [
                        round.peer, round.completed ? "yes" : "no", "\(round.deltasSent)", "\(round.deltasReceived)",
                        Format.bytes(Int64(round.bytesSent)), Format.bytes(Int64(round.bytesReceived)), "\(round.missing)",
                    ]
                }),
            width: layout.width)
        // What the round moved can be nothing although the peers exchanged deltas: gossip pushes
        // each write at once, and a connection catches up when it is made. So the connection's
        // totals follow (issue 17: "DELTAS SENT 0 although the laptop's edit arrived").
        Output.line()
        for line in Self.connectionLines(result.rounds) { Output.line(line) }
        if result.rounds.contains(where: { !$0.completed }) {
            throw CLIError.failure("some rounds did not complete (the peer disconnected or took over \(waitSeconds) s)")
        }
        if let behind = result.rounds.first(where: { $0.missing > 0 }) {
            Output.warning(
                "\(behind.peer) holds \(Format.count(Int(behind.missing), "delta")) this site lacks that stopped arriving "
                    + "(see cairn audit list for refusals, cairn status for waiting deltas)")
        }
    }

    /// One line per peer: what the current connection moved since it was made, and the lag
    /// each way after the round.
    static func connectionLines(_ rounds: [SyncResultDocument.Round]) -> [String] {
        rounds.map { round in
            var line = "\(round.peer): "
            if let since = round.connectedAt, let sent = round.connectionDeltasSent, let received = round.connectionDeltasReceived {
                line += "connected since \(since): \(Format.count(Int(sent), "delta")) sent, \(received) received; "
            }
            line += round.lacking == 0 && round.missing == 0
                ? "up to date both ways" : "the peer lacks \(round.lacking), this site lacks \(round.missing)"
            return line
        }
    }
}
