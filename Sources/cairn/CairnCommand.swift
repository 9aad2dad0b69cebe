import ArgumentParser
import CairnControl

/// The root command: `cairn <group> <verb>`.
struct CairnCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "cairn",
        abstract: "Administer a Cairn site: records, status, key ceremonies and local labs.",
        discussion: """
            cairn talks to the local cairnd daemon over its control socket (HTTP/1.1 + JSON on a \
            Unix socket), except for the key-ceremony commands (agency, charter, device), which \
            work on files and never need a daemon, and the lab commands, which build and run a \
            federation of daemons on this machine for testing.

            The control socket is --socket PATH, else $CAIRN_SOCKET, else \
            \(ControlClient.systemSocketPath).

            Exit codes: 0 success; 1 the daemon refused the request (its message is printed as \
            "cairn: <message>") or the command failed; 2 usage error; 3 the daemon could not be \
            reached.

            Examples:
              cairn status
              cairn record put --type incident --class SECRET --field title=Stopped
              cairn record list --class SECRET --json
              cairn lab create /tmp/lab && cairn lab up /tmp/lab
            """,
        version: CairnVersion.string,
        subcommands: [
            StatusCommand.self, RecordCommand.self, AgencyCommand.self, CharterCommand.self,
            DeviceCommand.self, PeerCommand.self, SyncCommand.self, LabCommand.self, AuditCommand.self, MetricsCommand.self,
            WatchCommand.self,
            DigestCommand.self,
            KeysCommand.self,
            BundleCommand.self,
        ]
    )
}
