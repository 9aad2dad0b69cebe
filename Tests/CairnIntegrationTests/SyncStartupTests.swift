import Foundation
import Testing

extension IntegrationSuite {
    /// Start-up of the sync listener.
    @Suite(.timeLimit(.minutes(1)))
    struct SyncStartupTests {
        /// A sync port that another program holds stops the daemon at start with a message naming
        /// the address. (It used to report ready, never listen or dial, and then ignore SIGTERM.)
        @Test func aSyncPortInUseStopsTheDaemonWithAClearError() throws {
            let held = try HeldPort()
            defer { withExtendedLifetime(held) {} }
            let port = held.port

            let site = try SiteDirectory(extraSections: "[sync]\nlisten = \"127.0.0.1:\(port)\"\n")
            defer { site.remove() }
            let result = try ProcessRunner.run(Binaries.cairnd, ["--config", site.config], timeout: 30)
            #expect(result.status != 0)
            let output = result.stdout + result.stderr
            #expect(output.contains("cannot listen for sync on 127.0.0.1:\(port)"), "cairnd said: \(output)")
        }
    }
}
