import ArgumentParser
import CairnControl

/// The options of every command that talks to the daemon.
struct ConnectionOptions: ParsableArguments {
    @Option(
        name: .long,
        help: ArgumentHelp(
            "The daemon's control socket (default: $CAIRN_SOCKET, else \(ControlClient.systemSocketPath)).",
            valueName: "path"))
    var socket: String?

    @Option(name: .long, help: ArgumentHelp("Seconds to wait for the daemon's answer.", valueName: "seconds"))
    var timeout: Double = 30

    func validate() throws {
        guard timeout > 0, timeout.isFinite else {
            throw ValidationError("--timeout must be a positive number of seconds.")
        }
    }

    /// The client for the chosen socket.
    var client: ControlClient {
        ControlClient(socketPath: socket ?? ControlClient.defaultSocketPath(), timeout: timeout)
    }
}
