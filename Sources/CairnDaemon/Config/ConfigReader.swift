import CairnModel
import Foundation
import Logging

/// Maps a TOML document onto `DaemonConfig`, reporting unknown keys, wrong types, bad values
/// and missing required keys.
struct ConfigReader {
    let document: TOMLDocument
    let baseDirectory: String
    var problems: [ConfigProblem] = []

    static let knownTables: Set<String> = ["device", "store", "control", "sync", "peers", "daemon"]
    static let knownKeys: Set<String> = [
        "device.keys", "device.certificate", "device.charter", "device.charter_fingerprint", "device.passphrase_file",
        "store.state_dir",
        "control.socket", "control.write_uids", "control.write_gids", "control.read_uids", "control.read_gids",
        "control.header_timeout_seconds", "control.body_timeout_seconds", "control.body_min_bytes_per_second",
        "control.idle_timeout_seconds", "control.max_connections", "control.max_connections_per_uid", "control.admin_reserve",
        "sync.listen", "sync.anti_entropy_seconds", "sync.handshake_timeout_seconds", "sync.idle_timeout_seconds",
        "sync.max_unadmitted_connections", "sync.max_unadmitted_per_source",
        "daemon.test_mode", "daemon.log_level",
    ]

    init(document: TOMLDocument, baseDirectory: String) {
        self.document = document
        self.baseDirectory = baseDirectory
    }

    mutating func read(configPath: String) -> DaemonConfig? {
        for (table, line) in document.tables where !Self.knownTables.contains(table) {
            problems.append(ConfigProblem(line: line, key: "[\(table)]", message: "unknown table (known: \(Self.knownTables.sorted().joined(separator: ", ")))"))
        }
        for entry in document.entries where !Self.knownKeys.contains(entry.path) && !entry.path.hasPrefix("peers.") {
            problems.append(ConfigProblem(line: entry.line, key: entry.path, message: "unknown key"))
        }
        let keys = path("device.keys", required: true)
        let certificate = path("device.certificate", required: true)
        let charter = path("device.charter", required: true)
        let stateDirectory = path("store.state_dir", required: true)
        let socket = path("control.socket", required: true)
        var config = DaemonConfig(
            configPath: configPath, deviceKeys: keys ?? "", certificate: certificate ?? "", charter: charter ?? "",
            passphraseFile: path("device.passphrase_file", required: false), stateDirectory: stateDirectory ?? "",
            socketPath: socket ?? "")
        if let fingerprint = string("device.charter_fingerprint") {
            if let bytes = try? Hex.decode(fingerprint), bytes.count == 32 {
                config.charterFingerprint = bytes
            } else {
                report("device.charter_fingerprint", "expected the 64 hex digits that `cairn charter show` prints as the genesis fingerprint")
            }
        }
        config.writeUIDs = ids("control.write_uids")
        config.writeGIDs = ids("control.write_gids")
        config.readUIDs = ids("control.read_uids")
        config.readGIDs = ids("control.read_gids")
        if let listen = string("sync.listen") {
            if case .failure(let problem) = ListenAddress.parse(listen) {
                report("sync.listen", problem.message)
            }
            config.syncListen = listen
        }
        config.antiEntropySeconds = seconds("sync.anti_entropy_seconds", default: config.antiEntropySeconds, range: 1...86_400)
        config.handshakeTimeoutSeconds = seconds("sync.handshake_timeout_seconds", default: config.handshakeTimeoutSeconds, range: 1...300)
        config.idleTimeoutSeconds = seconds("sync.idle_timeout_seconds", default: config.idleTimeoutSeconds, range: 5...86_400)
        config.maxUnadmittedConnections = count(
            "sync.max_unadmitted_connections", default: config.maxUnadmittedConnections, range: 4...65_536)
        config.maxUnadmittedPerSource = count(
            "sync.max_unadmitted_per_source", default: config.maxUnadmittedPerSource, range: 1...1_024)
        if config.maxUnadmittedPerSource > config.maxUnadmittedConnections {
            report(
                "sync.max_unadmitted_per_source",
                "max_unadmitted_per_source (\(config.maxUnadmittedPerSource)) must not exceed max_unadmitted_connections (\(config.maxUnadmittedConnections))")
        }
        config.peers = peers()
        config.controlLimits = controlLimits()
        // A quiet connection is kept alive only by the anti-entropy ticks (a round when it has
        // sent nothing for a third of the idle timeout), so the idle timeout must leave room.
        if config.idleTimeoutSeconds < 2 * config.antiEntropySeconds {
            report(
                entry("sync.idle_timeout_seconds") != nil ? "sync.idle_timeout_seconds" : "sync.anti_entropy_seconds",
                "idle_timeout_seconds (\(config.idleTimeoutSeconds)) must be at least twice anti_entropy_seconds (\(config.antiEntropySeconds)), or quiet connections are closed between rounds")
        }
        if let socket, socket.utf8.count > 107 {
            report("control.socket", "the socket path is \(socket.utf8.count) bytes; Unix sockets allow at most 107")
        }
        if let testMode = boolean("daemon.test_mode") { config.testMode = testMode }
        if let level = string("daemon.log_level") {
            if let parsed = Logger.Level(rawValue: level) {
                config.logLevel = parsed
            } else {
                report("daemon.log_level", "expected one of trace, debug, info, notice, warning, error, critical")
            }
        }
        return problems.isEmpty ? config : nil
    }

    func entry(_ key: String) -> TOMLEntry? {
        document.entries.first { $0.path == key }
    }

    mutating func report(_ key: String, _ message: String) {
        problems.append(ConfigProblem(line: entry(key)?.line ?? 0, key: key, message: message))
    }

    private mutating func string(_ key: String) -> String? {
        guard let entry = entry(key) else { return nil }
        guard case .string(let text) = entry.value else {
            report(key, "expected a string, found \(entry.value.typeName)")
            return nil
        }
        guard !text.isEmpty else {
            report(key, "must not be empty")
            return nil
        }
        return text
    }

    private mutating func path(_ key: String, required: Bool) -> String? {
        guard let text = string(key) else {
            if required, entry(key) == nil { report(key, "is required") }
            return nil
        }
        if text.hasPrefix("/") { return text }
        var base = baseDirectory.isEmpty ? FileManager.default.currentDirectoryPath : baseDirectory
        if !base.hasPrefix("/") { base = FileManager.default.currentDirectoryPath + "/" + base }
        return base + "/" + text
    }

    private mutating func boolean(_ key: String) -> Bool? {
        guard let entry = entry(key) else { return nil }
        guard case .boolean(let flag) = entry.value else {
            report(key, "expected true or false, found \(entry.value.typeName)")
            return nil
        }
        return flag
    }

    mutating func seconds(_ key: String, default value: Int, range: ClosedRange<Int>) -> Int {
        guard let entry = entry(key) else { return value }
        guard case .integer(let number) = entry.value, range.contains(Int(clamping: number)) else {
            report(key, "expected a whole number of seconds from \(range.lowerBound) to \(range.upperBound)")
            return value
        }
        return Int(number)
    }

    private mutating func count(_ key: String, default value: Int, range: ClosedRange<Int>) -> Int {
        guard let entry = entry(key) else { return value }
        guard case .integer(let number) = entry.value, range.contains(Int(clamping: number)) else {
            report(key, "expected a whole number from \(range.lowerBound) to \(range.upperBound)")
            return value
        }
        return Int(number)
    }

    /// `[peers]`: one `name = "HOST:PORT"` per peer this site connects to.
    private mutating func peers() -> [PeerAddress] {
        var result: [PeerAddress] = []
        for entry in document.entries where entry.path.hasPrefix("peers.") {
            let name = String(entry.path.dropFirst("peers.".count))
            guard PeerAddress.isValidName(name) else {
                report(entry.path, "a peer name is 1 to 64 of a-z, 0-9 and -")
                continue
            }
            guard case .string(let text) = entry.value else {
                report(entry.path, "expected \"HOST:PORT\" such as \"10.0.0.2:7401\" or \"[fd00::2]:7401\"")
                continue
            }
            let address: ListenAddress
            switch ListenAddress.parse(text) {
            case .success(let parsed): address = parsed
            case .failure(let problem):
                report(entry.path, problem.message)
                continue
            }
            result.append(PeerAddress(name: name, host: address.host, port: address.port))
        }
        return result
    }

    private mutating func ids(_ key: String) -> [UInt32] {
        guard let entry = entry(key) else { return [] }
        guard case .array(let items) = entry.value else {
            report(key, "expected an array of numeric ids such as [1000, 1001]")
            return []
        }
        var result: [UInt32] = []
        for item in items {
            guard case .integer(let number) = item, let id = UInt32(exactly: number) else {
                report(key, "expected numeric ids from 0 to 4294967295")
                return []
            }
            result.append(id)
        }
        return result
    }
}

/// A peer this site connects to: a local name and where it listens.
public struct PeerAddress: Hashable, Sendable {
    public var name: String
    public var host: String
    public var port: Int

    public init(name: String, host: String, port: Int) {
        self.name = name
        self.host = host
        self.port = port
    }

    /// `HOST:PORT`, IPv6 hosts bracketed.
    public var address: String { host.contains(":") ? "[\(host)]:\(port)" : "\(host):\(port)" }

    /// Peer names: 1 to 64 of a-z, 0-9 and -.
    public static func isValidName(_ name: String) -> Bool {
        !name.isEmpty && name.utf8.count <= 64
            && name.utf8.allSatisfy { (0x61...0x7a).contains($0) || (0x30...0x39).contains($0) || $0 == 0x2d }
    }

    /// Parses `HOST:PORT` for a named peer; nil when malformed.
    public static func parse(name: String, address: String) -> PeerAddress? {
        guard isValidName(name), let parsed = ListenAddress(address) else { return nil }
        return PeerAddress(name: name, host: parsed.host, port: parsed.port)
    }
}
