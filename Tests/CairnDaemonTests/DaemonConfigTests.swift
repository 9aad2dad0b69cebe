import Foundation
import Logging
import Testing

@testable import CairnDaemon

@Suite struct DaemonConfigTests {
    static let fullFile = """
        # cairnd configuration
        [device]
        keys = "device.keys"
        certificate = "certs/device.cert"
        charter = "/etc/cairn/charter.cairn"   # absolute: kept as is
        passphrase_file = 'secret/passphrase'

        [store]
        state_dir = "state"

        [control]
        socket = "/run/cairn/cairnd.sock"
        write_uids = [1000, 1001]
        write_gids = [50]
        read_uids = []
        read_gids = [100, 4294967295]

        [sync]
        listen = "[::1]:7401"

        [daemon]
        test_mode = true
        log_level = "debug"
        """

    @Test func parsesAFullFileAndResolvesRelativePaths() throws {
        let (config, problems) = DaemonConfig.parse(Self.fullFile, path: "/srv/site/cairnd.toml")
        #expect(problems == [])
        let parsed = try #require(config)
        #expect(parsed.configPath == "/srv/site/cairnd.toml")
        #expect(parsed.deviceKeys == "/srv/site/device.keys")
        #expect(parsed.certificate == "/srv/site/certs/device.cert")
        #expect(parsed.charter == "/etc/cairn/charter.cairn")
        #expect(parsed.passphraseFile == "/srv/site/secret/passphrase")
        #expect(parsed.stateDirectory == "/srv/site/state")
        #expect(parsed.socketPath == "/run/cairn/cairnd.sock")
        #expect(parsed.writeUIDs == [1000, 1001])
        #expect(parsed.writeGIDs == [50])
        #expect(parsed.readUIDs == [])
        #expect(parsed.readGIDs == [100, 4_294_967_295])
        #expect(parsed.syncListen == "[::1]:7401")
        #expect(parsed.testMode)
        #expect(parsed.logLevel == .debug)
    }

    @Test func optionalKeysHaveSafeDefaults() throws {
        let text = minimalConfigText()
        let (config, problems) = DaemonConfig.parse(text, path: "/a/b.toml")
        #expect(problems == [])
        let parsed = try #require(config)
        #expect(parsed.passphraseFile == nil)
        #expect(parsed.writeUIDs.isEmpty && parsed.writeGIDs.isEmpty && parsed.readUIDs.isEmpty && parsed.readGIDs.isEmpty)
        #expect(parsed.syncListen == nil)
        #expect(parsed.testMode == false)
        #expect(parsed.logLevel == .info)
        #expect(parsed.socketPath == "/a/sock")
    }

    @Test func relativeConfigPathResolvesAgainstTheWorkingDirectory() throws {
        let text = Self.fullFile
        let cwd = FileManager.default.currentDirectoryPath
        let (nested, _) = DaemonConfig.parse(text, path: "conf/cairnd.toml")
        #expect(nested?.deviceKeys == cwd + "/conf/device.keys")
        let (bare, _) = DaemonConfig.parse(text, path: "cairnd.toml")
        #expect(bare?.deviceKeys == cwd + "/device.keys")
    }

    @Test func reportsEveryProblemWithLineAndKey() {
        let longSocket = "/" + String(repeating: "s", count: 107)
        let text = """
            [device]
            keys = 7
            certificate = "device.cert"
            colour = "blue"
            certificate = "again.cert"

            [store]
            state_dir = ""

            [control]
            socket = "\(longSocket)"
            write_uids = [1000, -1]
            read_gids = "wheel"

            [sync]
            listen = "localhost"

            [daemon]
            test_mode = "yes"
            log_level = "verbose"

            [extras]
            thing = 1
            """
        let (config, problems) = DaemonConfig.parse(text, path: "/etc/cairn/cairnd.toml")
        #expect(config == nil)
        let found = Set(problems.map { Place(line: $0.line, key: $0.key) })
        let expected: Set<Place> = [
            Place(line: 2, key: "device.keys"),  // wrong type
            Place(line: 4, key: "device.colour"),  // unknown key
            Place(line: 5, key: nil),  // duplicate key (syntax)
            Place(line: 0, key: "device.charter"),  // missing required key
            Place(line: 8, key: "store.state_dir"),  // empty
            Place(line: 11, key: "control.socket"),  // too long for a Unix socket
            Place(line: 12, key: "control.write_uids"),  // negative id
            Place(line: 13, key: "control.read_gids"),  // not an array
            Place(line: 16, key: "sync.listen"),  // no port
            Place(line: 19, key: "daemon.test_mode"),  // wrong type
            Place(line: 20, key: "daemon.log_level"),  // bad level
            Place(line: 22, key: "[extras]"),  // unknown table
            Place(line: 23, key: "extras.thing"),  // its key is unknown too
        ]
        #expect(found == expected)
        #expect(problems.count == expected.count)
        let byKey = Dictionary(problems.compactMap { p in p.key.map { ($0, p.message) } }, uniquingKeysWith: { a, _ in a })
        #expect(byKey["device.keys"]?.contains("expected a string") == true)
        #expect(byKey["device.charter"] == "is required")
        #expect(byKey["control.socket"]?.contains("108 bytes") == true)
        #expect(byKey["daemon.log_level"]?.contains("trace, debug, info") == true)
        #expect(problems.first { $0.line == 5 }?.message.contains("device.certificate is set twice") == true)
    }

    @Test func syntaxAndMappingProblemsAreReportedTogether() {
        let text = """
            [device]
            keys = "k
            certificate = "c"
            charter = "ch"
            [store]
            state_dir = "s"
            [control]
            socket = "sock"
            write_uids = [[1]]
            [daemon]
            log_level = "loud"
            """
        let (config, problems) = DaemonConfig.parse(text, path: "/x/cairnd.toml")
        #expect(config == nil)
        #expect(problems.contains { $0.line == 2 && $0.message == "unterminated string" })
        #expect(problems.contains { $0.line == 0 && $0.key == "device.keys" && $0.message == "is required" })
        #expect(problems.contains { $0.line == 9 && $0.message.contains("nested arrays") })
        #expect(problems.contains { $0.line == 11 && $0.key == "daemon.log_level" })
        #expect(problems.count == 4)
    }

    @Test(arguments: [
        ("127.0.0.1:7401", true), ("0.0.0.0:1", true), ("[::1]:7401", true), ("[fe80::1]:65535", true),
        ("host.example:443", true), ("localhost", false), ("127.0.0.1:0", false), ("127.0.0.1:65536", false),
        (":7401", false), ("[::1]7401", false), ("[]:7401", false), ("127.0.0.1:port", false), ("127.0.0.1:", false),
        // An IPv6 address needs brackets, or its last group would be read as the port.
        ("::1:7401", false), ("fe80::1:443", false),
    ])
    func listenAddresses(text: String, valid: Bool) {
        #expect((ListenAddress(text) != nil) == valid)
    }

    @Test func peersAndSyncTimingsAreRead() {
        let text = minimalConfigText() + """
            [sync]
            listen = "127.0.0.1:7401"
            anti_entropy_seconds = 5
            handshake_timeout_seconds = 3
            idle_timeout_seconds = 90
            [peers]
            bravo-hq = "10.0.0.2:7401"
            relay = "[fd00::7]:7402"
            """
        let (config, problems) = DaemonConfig.parse(text, path: "/etc/cairn/cairnd.toml")
        #expect(problems == [])
        #expect(config?.antiEntropySeconds == 5 && config?.handshakeTimeoutSeconds == 3 && config?.idleTimeoutSeconds == 90)
        #expect(config?.peers == [
            PeerAddress(name: "bravo-hq", host: "10.0.0.2", port: 7401), PeerAddress(name: "relay", host: "fd00::7", port: 7402),
        ])
        #expect(config?.peers.last?.address == "[fd00::7]:7402")
    }

    @Test func badPeersAndTimingsAreReportedWithTheirKeys() {
        let text = minimalConfigText() + """
            [sync]
            anti_entropy_seconds = 0
            idle_timeout_seconds = "long"
            [peers]
            Bravo = "10.0.0.2:7401"
            charlie = "::1:7401"
            delta = 7401
            """
        let (config, problems) = DaemonConfig.parse(text, path: "/etc/cairn/cairnd.toml")
        #expect(config == nil)
        #expect(Set(problems.map(\.key)) == [
            "sync.anti_entropy_seconds", "sync.idle_timeout_seconds", "peers.Bravo", "peers.charlie", "peers.delta",
        ])
        #expect(problems.allSatisfy { $0.line > 0 })
    }

    @Test func theIdleTimeoutMustLeaveRoomForAntiEntropy() {
        let text = minimalConfigText() + "[sync]\nanti_entropy_seconds = 90\nidle_timeout_seconds = 120\n"
        let (config, problems) = DaemonConfig.parse(text, path: "/etc/cairn/cairnd.toml")
        #expect(config == nil)
        #expect(problems.map(\.key) == ["sync.idle_timeout_seconds"])
        #expect(problems.first?.message.contains("at least twice") == true)
        // The default idle timeout (120 s) with a long interval names the interval.
        let (_, defaults) = DaemonConfig.parse(minimalConfigText() + "[sync]\nanti_entropy_seconds = 300\n", path: "/c.toml")
        #expect(defaults.map(\.key) == ["sync.anti_entropy_seconds"])
        let (fine, none) = DaemonConfig.parse(minimalConfigText() + "[sync]\nanti_entropy_seconds = 60\n", path: "/c.toml")
        #expect(none == [] && fine?.antiEntropySeconds == 60)
    }

    @Test func socketPathLimitIsOnTheResolvedPath() {
        let base = "/" + String(repeating: "d", count: 90)
        let text = minimalConfigText(socket: "\(String(repeating: "s", count: 20)).sock")
        let (config, problems) = DaemonConfig.parse(text, path: base + "/cairnd.toml")
        #expect(config == nil)
        #expect(problems.map(\.key) == ["control.socket"])
        let (fits, fine) = DaemonConfig.parse(text, path: "/etc/cairnd.toml")
        #expect(fine == [])
        #expect(fits?.socketPath.utf8.count ?? 0 <= 107)
    }

    @Test func loadReportsAMissingFileAndEveryProblem() throws {
        try withTemporaryDirectory { directory in
            let missing = directory + "/absent.toml"
            #expect {
                try DaemonConfig.load(path: missing)
            } throws: { error in
                guard case DaemonError.config(let path, let problems) = error else { return false }
                return path == missing && problems.count == 1 && problems[0].message.contains("cannot read")
            }
            let bad = directory + "/bad.toml"
            try writeFile(bad, "[device]\nkeys = 1\n")
            let error = #expect(throws: DaemonError.self) { try DaemonConfig.load(path: bad) }
            guard case .config(_, let problems)? = error else { return }
            #expect(problems.count == 5)  // keys has the wrong type; four required keys are missing
            #expect(Daemon.checkConfig(path: bad).problems.count == 5)
            #expect("\(error!)".contains("5 problems"))
        }
    }
}

private struct Place: Hashable, CustomStringConvertible {
    var line: Int
    var key: String?
    var description: String { "\(line):\(key ?? "-")" }
}
