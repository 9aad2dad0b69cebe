import Foundation
import Logging

/// The daemon's configuration, from one TOML file (see `Docs/Configuration.md` and
/// `systemd/cairnd.toml.example`). Relative paths are resolved against the file's directory.
public struct DaemonConfig: Sendable, Equatable {
    public var configPath: String
    public var deviceKeys: String
    public var certificate: String
    public var charter: String
    public var passphraseFile: String?
    /// BLAKE2b-256 of the genesis charter's body, when the operator pins it: the first start
    /// then refuses any other federation's charter, however validly signed.
    public var charterFingerprint: [UInt8]?
    public var stateDirectory: String
    public var socketPath: String
    public var writeUIDs: [UInt32] = []
    public var writeGIDs: [UInt32] = []
    public var readUIDs: [UInt32] = []
    public var readGIDs: [UInt32] = []
    /// Timeouts and connection caps of the control socket (`[control]`).
    public var controlLimits = ControlLimits()
    public var syncListen: String?
    /// Seconds between anti-entropy rounds with a random connected peer.
    public var antiEntropySeconds = 30
    /// Seconds a TLS handshake (and the Hello exchange) may take.
    public var handshakeTimeoutSeconds = 10
    /// Seconds without any bytes from a peer before its connection is closed (peers send a
    /// summary at least every anti-entropy interval, so this must be larger).
    public var idleTimeoutSeconds = 120
    /// Inbound connections that may wait for admission (TLS handshake and Hello) at once; a
    /// quarter of them is kept for configured peers' addresses (see `AdmissionGate`).
    public var maxUnadmittedConnections = 128
    /// Of those, how many one source (an IPv4 address, an IPv6 /64) may hold.
    public var maxUnadmittedPerSource = 8
    /// Peers from `[peers]`, reloaded on SIGHUP.
    public var peers: [PeerAddress] = []
    public var testMode = false
    public var logLevel: Logger.Level = .info

    /// Default location of the configuration file.
    public static let defaultPath = "/etc/cairn/cairnd.toml"

    /// Reads and checks `path`; throws `DaemonError.config` with every problem found. Both
    /// `--check-config` and start-up come through here, so they refuse the same things: the
    /// text, a file that others may write (`ConfigFileCheck`), and secret files it names that
    /// belong to another user.
    public static func load(path: String) throws -> DaemonConfig {
        let text = try ConfigFileCheck.readConfiguration(path)
        let (config, problems) = parse(text, path: path)
        guard let config, problems.isEmpty else { throw DaemonError.config(path: path, problems: problems) }
        let fileProblems = ConfigFileCheck.secretFileProblems(config)
        guard fileProblems.isEmpty else { throw DaemonError.config(path: path, problems: fileProblems) }
        return config
    }

    /// Parses configuration text, collecting every problem.
    public static func parse(_ text: String, path: String) -> (DaemonConfig?, [ConfigProblem]) {
        let (document, syntaxProblems) = TOMLParser.parse(text)
        var reader = ConfigReader(document: document, baseDirectory: (path as NSString).deletingLastPathComponent)
        reader.problems = syntaxProblems
        let config = reader.read(configPath: path)
        return (reader.problems.isEmpty ? config : nil, reader.problems)
    }
}
