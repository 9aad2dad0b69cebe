import Foundation
import Testing

extension IntegrationSuite {
    /// `cairnd --check-config` and start-up refuse the same configurations, with the same
    /// message (issue 13): a file others may write, device keys another user owns, a listen
    /// address the resolver would refuse.
    @Suite(.serialized)
    struct ConfigRefusalTests {
        /// Runs the check and a start; both must fail and print `expected`.
        private func expectBothRefuse(_ site: SiteDirectory, _ expected: String) throws {
            let check = try ProcessRunner.run(Binaries.cairnd, ["--check-config", site.config])
            #expect(check.status == 1)
            #expect(check.stderr.contains(expected), "check-config: \(check.stderr)")
            let start = try ProcessRunner.run(Binaries.cairnd, ["--config", site.config], timeout: 30)
            #expect(start.status == 1)
            #expect(start.stderr.contains(expected), "start: \(start.stderr)")
            #expect(!FileManager.default.fileExists(atPath: site.socket))
        }

        @Test func aListenAddressWithASpaceIsRefusedByTheCheckAndAtStart() throws {
            let site = try SiteDirectory(extraSections: "[sync]\nlisten = \" 127.0.0.1:7401\"\n")
            defer { site.remove() }
            try expectBothRefuse(site, "sync.listen: \" 127.0.0.1\" is not an IP address or a host name")
        }

        @Test(arguments: [0o666, 0o664])
        func aConfigurationOthersMayWriteIsRefused(_ mode: Int) throws {
            let site = try SiteDirectory()
            defer { site.remove() }
            chmod(site.config, mode_t(mode))
            try expectBothRefuse(site, "the file is writable by its group or by others (mode 0\(String(mode, radix: 8)))")
        }

        @Test(.enabled(if: getuid() == 0, "needs root to give a file away"))
        func deviceKeysOwnedByAnotherUserAreRefused() throws {
            let site = try SiteDirectory()
            defer { site.remove() }
            chown(site.path + "/device.keys", 65534, 65534)
            try expectBothRefuse(site, "device.keys: \(site.path)/device.keys is owned by uid 65534, not by the daemon's uid 0")
        }
    }
}
