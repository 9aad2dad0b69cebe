import ArgumentParser
import CairnControl
import Synchronization

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

    /// The client for the chosen socket, one for the whole command and keeping its connection
    /// open (keep-alive): a command that sends several requests (a read before a write, a
    /// revocation that looks the device up first) sends them on one connection.
    var client: ControlClient {
        let path = socket ?? ControlClient.defaultSocketPath()
        return Self.clients.withLock { clients in
            if let client = clients["\(timeout) \(path)"] { return client }
            let client = ControlClient(socketPath: path, timeout: timeout).keepingAlive()
            clients["\(timeout) \(path)"] = client
            return client
        }
    }

    /// The clients made so far, by timeout and socket.
    private static let clients = Mutex<[String: ControlClient]>([:])
}
