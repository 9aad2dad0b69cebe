import Foundation
import Testing

@testable import CairnDaemon

/// A configuration file others may write, and secret files another user owns, are refused by
/// `DaemonConfig.load`: by `--check-config` and by start-up alike.
@Suite struct ConfigFileCheckTests {
    static func problems(_ path: String) -> [ConfigProblem] {
        do {
            _ = try DaemonConfig.load(path: path)
            return []
        } catch DaemonError.config(_, let problems) {
            return problems
        } catch {
            Issue.record("unexpected error \(error)")
            return []
        }
    }

    /// A directory with the device keys (0600) and a valid configuration naming them.
    static func withSiteFiles(_ body: (_ config: String, _ keys: String) throws -> Void) throws {
        try withTemporaryDirectory { directory in
            try writeFile(directory + "/device.keys", "not read by the check", mode: 0o600)
            try writeFile(directory + "/cairnd.toml", minimalConfigText().replacingOccurrences(of: "keys = \"k\"", with: "keys = \"device.keys\""))
            try body(directory + "/cairnd.toml", directory + "/device.keys")
        }
    }

    @Test func aValidLayoutPasses() throws {
        try Self.withSiteFiles { config, _ in
            #expect(Self.problems(config).isEmpty)
        }
    }

    @Test(arguments: [0o666, 0o646, 0o664, 0o620])
    func aConfigurationWritableByGroupOrOthersIsRefused(_ mode: Int) throws {
        try Self.withSiteFiles { config, _ in
            chmod(config, mode_t(mode))
            let problems = Self.problems(config)
            #expect(problems.count == 1)
            #expect(problems.first?.message.contains("writable by its group or by others") == true, "\(problems)")
            #expect(problems.first?.message.contains("chmod go-w \(config)") == true)
            #expect(Daemon.checkConfig(path: config).problems == problems.map(\.description))
        }
    }

    @Test(.enabled(if: getuid() == 0, "needs root to give files away"))
    func aConfigurationOwnedByAnotherUserIsRefused() throws {
        try Self.withSiteFiles { config, _ in
            chown(config, 4321, 4321)
            let problems = Self.problems(config)
            #expect(problems.first?.message.contains("owned by uid 4321, neither root nor the daemon's uid") == true, "\(problems)")
        }
    }

    @Test(.enabled(if: getuid() == 0, "needs root to give files away"))
    func deviceKeysOwnedByAnotherUserAreRefused() throws {
        try Self.withSiteFiles { config, keys in
            chown(keys, 4321, 4321)
            let problems = Self.problems(config)
            #expect(problems.count == 1)
            #expect(problems.first?.key == "device.keys")
            #expect(problems.first?.message.contains("owned by uid 4321, not by the daemon's uid \(getuid())") == true, "\(problems)")
        }
    }

    @Test func deviceKeysOpenToGroupOrOthersAreRefusedByTheCheckToo() throws {
        try Self.withSiteFiles { config, keys in
            chmod(keys, 0o640)
            let problems = Self.problems(config)
            #expect(problems.first?.message.contains("chmod 600 \(keys)") == true, "\(problems)")
        }
    }

    @Test(.enabled(if: getuid() == 0, "needs root to give files away"))
    func aPassphraseFileOwnedByAnotherUserIsRefused() throws {
        try withTemporaryDirectory { directory in
            try writeFile(directory + "/pass", "horse\n", mode: 0o600)
            chown(directory + "/pass", 4321, 4321)
            try writeFile(directory + "/cairnd.toml", minimalConfigText(device: ["passphrase_file = \"pass\""]))
            let problems = Self.problems(directory + "/cairnd.toml")
            #expect(problems.first?.key == "device.passphrase_file", "\(problems)")
        }
    }

    @Test func missingSecretFilesAreLeftToStartUp() throws {
        try withTemporaryDirectory { directory in
            try writeFile(directory + "/cairnd.toml", minimalConfigText())
            #expect(Self.problems(directory + "/cairnd.toml").isEmpty)
        }
    }
}

/// `HOST:PORT` is checked strictly, with the same messages for `--check-config` and start-up.
@Suite struct ListenAddressTests {
    @Test(arguments: [
        "127.0.0.1:7401", "0.0.0.0:1", "localhost:7401", "cairn-hq.example.org:65535", "[::1]:7401", "[fd00::2]:7401",
        "[fe80::1%eth0]:7401", "h:07401",
    ])
    func accepted(_ text: String) {
        #expect(ListenAddress(text) != nil)
    }

    @Test(arguments: [
        (" 127.0.0.1:7401", "is not an IP address or a host name"),
        ("127.0.0.1 :7401", "is not an IP address or a host name"),
        ("127.1:7401", "is not an IPv4 address"),
        ("999.0.0.1:7401", "is not an IPv4 address"),
        ("host_name:7401", "is not an IP address or a host name"),
        ("-host:7401", "is not an IP address or a host name"),
        ("a..b:7401", "is not an IP address or a host name"),
        ("127.0.0.1: 7401", "is not a number from 1 to 65535"),
        ("127.0.0.1:+7401", "is not a number from 1 to 65535"),
        ("127.0.0.1:0", "is not a number from 1 to 65535"),
        ("127.0.0.1:65536", "is not a number from 1 to 65535"),
        ("::1:7401", "must be in brackets"),
        ("[::g]:7401", "is not an IPv6 address"),
        ("[::1]7401", "closing bracket"),
        (":7401", "the host is empty"),
        ("127.0.0.1", "no port"),
    ])
    func refused(_ text: String, _ reason: String) {
        guard case .failure(let problem) = ListenAddress.parse(text) else {
            Issue.record("\(text) was accepted")
            return
        }
        #expect(problem.message.contains(reason), "\(text): \(problem.message)")
    }

    @Test func theConfigurationReportsTheAddressProblem() {
        let (config, problems) = DaemonConfig.parse(
            minimalConfigText() + "[sync]\nlisten = \" 127.0.0.1:7401\"\n[peers]\nbravo = \"10.0.0.2 :7401\"\n", path: "/c.toml")
        #expect(config == nil)
        #expect(problems.map(\.key) == ["sync.listen", "peers.bravo"])
        #expect(problems.allSatisfy { $0.message.contains("is not an IP address or a host name") })
    }
}

/// `[control]` budgets.
@Suite struct ControlLimitsConfigTests {
    @Test func defaultsAndValuesAreRead() {
        let (defaults, none) = DaemonConfig.parse(minimalConfigText(), path: "/c.toml")
        #expect(none.isEmpty)
        #expect(defaults?.controlLimits == ControlLimits())
        let (config, problems) = DaemonConfig.parse(
            minimalConfigText(control: [
                "header_timeout_seconds = 2", "body_timeout_seconds = 3", "body_min_bytes_per_second = 4096",
                "idle_timeout_seconds = 5", "max_connections = 100", "max_connections_per_uid = 10", "admin_reserve = 4",
            ]), path: "/c.toml")
        #expect(problems.isEmpty, "\(problems)")
        let limits = config?.controlLimits
        #expect(limits?.headerTimeoutSeconds == 2 && limits?.bodyTimeoutSeconds == 3 && limits?.bodyMinBytesPerSecond == 4096)
        #expect(limits?.idleTimeoutSeconds == 5 && limits?.maxConnections == 100 && limits?.maxConnectionsPerUID == 10)
        #expect(limits?.adminReserve == 4)
    }

    @Test func badValuesAreRefused() {
        let (_, problems) = DaemonConfig.parse(
            minimalConfigText(control: [
                "header_timeout_seconds = 0", "body_min_bytes_per_second = 10", "max_connections = 10", "max_connections_per_uid = 20",
                "admin_reserve = \"many\"",
            ]), path: "/c.toml")
        #expect(
            problems.compactMap(\.key) == [
                "control.header_timeout_seconds", "control.body_min_bytes_per_second", "control.admin_reserve",
                "control.max_connections_per_uid",
            ], "\(problems)")
    }
}
