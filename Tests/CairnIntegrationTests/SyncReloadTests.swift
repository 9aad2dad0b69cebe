import CairnControl
import Foundation
import Testing

extension IntegrationSuite {
    /// SIGHUP re-reads `[peers]`: new peers are dialled, removed ones dropped, and the connections
    /// of peers that did not change stay up.
    @Suite(.timeLimit(.minutes(1)))
    struct SyncReloadTests {
        @Test func sighupReloadsPeersWithoutDroppingOthers() throws {
            var options = Federation.Options()
            options.meshed = false
            let federation = try Federation(devices: ["alpha/hq", "bravo/hq"], options: options)
            defer { federation.shutdown() }
            let alpha = federation.member("alpha/hq"), bravo = federation.member("bravo/hq")
            let pid = try #require(alpha.daemon?.pid)
            #expect(try alpha.client.peers().peers.isEmpty)

            // The configuration ends with the [peers] table: a line appended there adds a peer.
            let original = try String(contentsOfFile: alpha.site.config, encoding: .utf8)
            try (original + "\(bravo.peerName) = \"\(bravo.address)\"\n").write(toFile: alpha.site.config, atomically: true, encoding: .utf8)
            kill(pid, SIGHUP)
            try FederationWait.until("alpha dials bravo after SIGHUP", timeout: 15) {
                let peers = try alpha.client.peers().peers
                return peers.contains { $0.name == bravo.peerName && $0.connected } ? nil : "peers: \(peers.map(\.name))"
            }
            func connections() -> Int {
                alpha.daemon?.logText().components(separatedBy: "msg=sync.peer_connected").count ?? 0
            }
            let before = connections()

            // A reload that changes nothing keeps the connection.
            kill(pid, SIGHUP)
            try FederationWait.until("the reload is logged", timeout: 10) {
                (alpha.daemon?.logText().components(separatedBy: "msg=sync.peers_reloaded").count ?? 0) >= 3 ? nil : "not yet"
            }
            #expect(connections() == before, "an unchanged peer was reconnected")
            #expect(try alpha.client.peers().peers.contains { $0.name == bravo.peerName && $0.connected })

            // Removing it stops dialling it (and closes the connection it dialled).
            try original.write(toFile: alpha.site.config, atomically: true, encoding: .utf8)
            kill(pid, SIGHUP)
            try FederationWait.until("bravo is no longer a configured peer", timeout: 15) {
                let peers = try alpha.client.peers().peers
                return peers.contains { $0.name == bravo.peerName } ? "still configured: \(peers.map(\.name))" : nil
            }
            // A bad file is refused and the peers stay as they were.
            try (original + "bad name = 1\n").write(toFile: alpha.site.config, atomically: true, encoding: .utf8)
            kill(pid, SIGHUP)
            try FederationWait.until("the failed reload is logged", timeout: 10) {
                alpha.daemon?.logText().contains("msg=sync.reload_failed") == true ? nil : "not yet"
            }
            #expect(alpha.daemon?.isRunning == true)
        }
    }
}
