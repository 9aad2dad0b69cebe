import CairnControl
import Foundation
import Testing

extension IntegrationSuite {
    /// The configuration accepts `anti_entropy_seconds` from 1: two honest sites configured with
    /// the shortest interval must keep their connection, not refuse each other as flooding.
    @Suite(.timeLimit(.minutes(1)))
    struct SyncAntiEntropyTests {
        @Test func theShortestAntiEntropyIntervalIsNotRefusedAsFlooding() throws {
            let federation = try Federation(devices: ["alpha/hq", "bravo/hq"], options: .init(antiEntropySeconds: 1))
            defer { federation.shutdown() }
            try federation.waitUntilConnected()
            // A peer is refused after 12 summaries within 60 s (SyncLimits.maxSummariesPerWindow);
            // at one round a second that is reached after about 12 s. Watch a little longer.
            let end = Date().addingTimeInterval(16)
            var refusals: [String] = []
            while Date() < end, refusals.isEmpty {
                for member in federation.members {
                    refusals += try member.client.auditEntries()
                        .filter { $0.kind == "sync.peer_refused" }
                        .map { "\(member.device) refused \($0.actor): \($0.detail)" }
                }
                Thread.sleep(forTimeInterval: 0.5)
            }
            #expect(refusals.isEmpty, "honest peers refused each other:\n\(refusals.joined(separator: "\n"))")
            for member in federation.members {
                let peers = try member.client.peers().peers
                #expect(
                    peers.allSatisfy { $0.connected },
                    "\(member.device): \(peers.map { "\($0.name) \($0.lastError ?? "")" })")
            }
        }
    }
}
