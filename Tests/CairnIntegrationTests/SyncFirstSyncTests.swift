import CairnControl
import Foundation
import Testing

extension IntegrationSuite {
    /// A site meeting a peer with a backlog: `cairn sync --wait` returns once the backlog has
    /// arrived (MISSING 0), shows its progress on a terminal, and stays quiet in a pipe.
    @Suite(.timeLimit(.minutes(2)))
    struct SyncFirstSyncTests {
        static let backlog = 1_200

        @Test func syncWaitsForTheBacklogAndShowsProgressOnlyOnATerminal() throws {
            let federation = try Federation(devices: ["alpha/hq", "bravo/hq"], options: .init(meshed: false))
            defer { federation.shutdown() }
            let alpha = federation.member("alpha/hq"), bravo = federation.member("bravo/hq")
            for n in 0..<Self.backlog {
                _ = try alpha.client.putRecord(
                    PutRecordRequest(id: "backlog-\(n)", type: "note", classification: "RESTRICTED", fields: ["n": .int(Int64(n))]))
            }
            _ = try bravo.client.addPeer(AddPeerRequest(name: alpha.peerName, address: alpha.address))
            try FederationWait.until("bravo connected to alpha", timeout: 15) {
                try bravo.client.peers().peers.contains { $0.connected && $0.device == "alpha/hq" } ? nil : "not yet"
            }

            // On a terminal (script(1) gives the command a pty): a progress line, then the table.
            let command = [Binaries.cairn, "sync", "--socket", bravo.site.socket, "--peer", alpha.peerName, "--wait"]
            let onTerminal = try ProcessRunner.run(
                "/usr/bin/script", ["-qec", command.map(Self.quoted).joined(separator: " "), "/dev/null"], timeout: 90)
            #expect(onTerminal.status == 0, "\(onTerminal.stdout)\(onTerminal.stderr)")
            #expect(onTerminal.stdout.contains("\(alpha.peerName): received "), "no progress line: \(onTerminal.stdout)")
            #expect(onTerminal.stdout.contains("MISSING"))

            // The wait ended with nothing missing: bravo holds the whole backlog.
            let levels = try bravo.client.status().levels
            #expect(levels.first { $0.name == "RESTRICTED" }?.records == Self.backlog)
            let peer = try #require(try bravo.client.peers().peers.first { $0.device == "alpha/hq" })
            #expect(peer.levels.allSatisfy { $0.missing == 0 }, "\(peer.levels)")

            // In a pipe: the JSON document and nothing else, not a single progress byte.
            let piped = try ProcessRunner.run(Binaries.cairn, Array(command.dropFirst()) + ["--json"])
            #expect(piped.status == 0, "\(piped.stderr)")
            #expect(piped.stderr.isEmpty && !piped.stdout.contains("\r"))
            let result = try JSONDecoder().decode(SyncResultDocument.self, from: Data(piped.stdout.utf8))
            #expect(result.rounds.map(\.missing) == [0] && result.rounds.allSatisfy(\.completed))

            // A write pushed by gossip before the next sync: the round moves nothing, and the
            // connection's totals say what arrived (issue 17: "RECEIVED 0" misled).
            _ = try alpha.client.putRecord(PutRecordRequest(id: "pushed", type: "note", classification: "RESTRICTED", fields: ["n": 1]))
            try FederationWait.until("bravo holds the pushed record", timeout: 15) {
                (try? bravo.client.getRecord(id: "pushed")) == nil ? "missing" : nil
            }
            let again = try ProcessRunner.run(Binaries.cairn, Array(command.dropFirst()))
            #expect(again.status == 0, "\(again.stderr)")
            let line = again.stdout.split(separator: "\n").first { $0.contains(": connected since ") }
            let received = line.flatMap { $0.split(separator: ", ").last?.split(separator: " ").first }.flatMap { Int($0) }
            #expect(received ?? 0 > Self.backlog, "\(again.stdout)")
            #expect(line?.hasSuffix("up to date both ways") == true, "\(again.stdout)")
        }

        static func quoted(_ argument: String) -> String {
            "'" + argument.replacingOccurrences(of: "'", with: "'\\''") + "'"
        }
    }
}
