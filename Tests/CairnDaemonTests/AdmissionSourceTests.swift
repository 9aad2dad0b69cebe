import NIOCore
import Testing

@testable import CairnDaemon

/// What the admission gate and the aggregated audit count as one source.
@Suite struct AdmissionSourceTests {
    @Test func ipv4CountsByAddressWithoutPort() throws {
        let a = try SocketAddress(ipAddress: "192.0.2.7", port: 40_001)
        let b = try SocketAddress(ipAddress: "192.0.2.7", port: 50_002)
        #expect(AdmissionSource.key(a) == "192.0.2.7")
        #expect(AdmissionSource.key(a) == AdmissionSource.key(b))
        #expect(AdmissionSource.key(try SocketAddress(ipAddress: "127.0.0.9", port: 1)) != AdmissionSource.key(a))
    }

    @Test func ipv6CountsByTheSlash64() throws {
        let a = try SocketAddress(ipAddress: "2001:db8:1:2::1", port: 1)
        let b = try SocketAddress(ipAddress: "2001:db8:1:2:ffff:ffff:ffff:ffff", port: 2)
        let c = try SocketAddress(ipAddress: "2001:db8:1:3::1", port: 3)
        #expect(AdmissionSource.key(a) == "2001:db8:1:2::/64")
        #expect(AdmissionSource.key(a) == AdmissionSource.key(b))
        #expect(AdmissionSource.key(a) != AdmissionSource.key(c))
    }

    @Test func anIPv4AddressMappedIntoIPv6CountsAsIPv4() throws {
        let mapped = try SocketAddress(ipAddress: "::ffff:192.0.2.7", port: 1)
        #expect(AdmissionSource.key(mapped) == "192.0.2.7")
    }

    @Test func configuredHostsGiveTheSameKeysAndNamesGiveNone() {
        #expect(AdmissionSource.key(host: "10.0.0.2") == "10.0.0.2")
        #expect(AdmissionSource.key(host: "fd00::7") == "fd00:0:0:0::/64")
        #expect(AdmissionSource.key(host: "[fd00::7]") == "fd00:0:0:0::/64")
        #expect(AdmissionSource.key(host: "bravo.example.org") == nil)
        #expect(AdmissionSource.key(nil) == AdmissionSource.unknown)
    }

    @Test func theGateLimitsAreConfigurableAndChecked() {
        let (defaults, none) = DaemonConfig.parse(minimalConfigText(), path: "/c.toml")
        #expect(none == [] && defaults?.maxUnadmittedConnections == 128 && defaults?.maxUnadmittedPerSource == 8)
        let set = minimalConfigText() + "[sync]\nmax_unadmitted_connections = 400\nmax_unadmitted_per_source = 2\n"
        let (config, problems) = DaemonConfig.parse(set, path: "/c.toml")
        #expect(problems == [] && config?.maxUnadmittedConnections == 400 && config?.maxUnadmittedPerSource == 2)
        let bad = minimalConfigText() + "[sync]\nmax_unadmitted_connections = 2\nmax_unadmitted_per_source = 0\n"
        #expect(Set(DaemonConfig.parse(bad, path: "/c.toml").1.map(\.key)) == [
            "sync.max_unadmitted_connections", "sync.max_unadmitted_per_source",
        ])
        let inverted = minimalConfigText() + "[sync]\nmax_unadmitted_connections = 16\nmax_unadmitted_per_source = 17\n"
        let (_, inversion) = DaemonConfig.parse(inverted, path: "/c.toml")
        #expect(inversion.map(\.key) == ["sync.max_unadmitted_per_source"])
        #expect(inversion.first?.message.contains("must not exceed") == true)
    }
}
