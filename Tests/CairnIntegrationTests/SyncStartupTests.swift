import Foundation
import Testing

extension IntegrationSuite {
    /// Start-up of the sync listener.
    @Suite(.timeLimit(.minutes(1)))
    struct SyncStartupTests {
        /// A sync port that another program holds stops the daemon at start with a message naming
        /// the address. (It used to report ready, never listen or dial, and then ignore SIGTERM.)
        @Test func aSyncPortInUseStopsTheDaemonWithAClearError() throws {
            let holder = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
            #expect(holder >= 0)
            defer { close(holder) }
            var address = sockaddr_in()
            address.sin_family = sa_family_t(AF_INET)
            address.sin_addr.s_addr = inet_addr("127.0.0.1")
            address.sin_port = 0
            var length = socklen_t(MemoryLayout<sockaddr_in>.size)
            let bound = withUnsafeMutablePointer(to: &address) { pointer in
                pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { raw in
                    bind(holder, raw, length) == 0 && listen(holder, 1) == 0 && getsockname(holder, raw, &length) == 0
                }
            }
            try #require(bound)
            let port = UInt16(bigEndian: address.sin_port)

            let site = try SiteDirectory(extraSections: "[sync]\nlisten = \"127.0.0.1:\(port)\"\n")
            defer { site.remove() }
            let result = try ProcessRunner.run(Binaries.cairnd, ["--config", site.config], timeout: 30)
            #expect(result.status != 0)
            let output = result.stdout + result.stderr
            #expect(output.contains("cannot listen for sync on 127.0.0.1:\(port)"), "cairnd said: \(output)")
        }
    }
}
