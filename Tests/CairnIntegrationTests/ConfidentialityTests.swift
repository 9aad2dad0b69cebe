import CairnControl
import CairnProtocol
import CairnTestSupport
import Foundation
import Testing

extension IntegrationSuite {
    /// Nothing of SECRET reaches a CONFIDENTIAL site, not even its shape. Canary strings sit in
    /// every field of SECRET records (id, type, field names and values, nested text, tags) at a
    /// SECRET site; a CONFIDENTIAL site (a real daemon) and a CONFIDENTIAL test peer that records
    /// every frame sync with it. No canary, no SECRET header, vector entry or count may show in
    /// the frames the peer got, in any file the CONFIDENTIAL site keeps, in its control API,
    /// or in any site's log.
    @Suite(.timeLimit(.minutes(1)))
    struct ConfidentialityTests {
        /// The markers, random per run: one for SECRET content, one for the levels below (the
        /// positive control: it must show where SECRET content must not). Both extend the run's
        /// `LogCanary`, so every daemon's log is scanned for them too.
        struct Canaries {
            let secret = LogCanary.token + "s"
            let lower = LogCanary.token + "c"

            /// A record whose every writable part carries `token`.
            func record(_ n: Int, level: String, token: String) -> PutRecordRequest {
                PutRecordRequest(
                    id: "\(token)-id-\(n)", type: "\(token)-type",
                    classification: level,
                    fields: [
                        "\(token)_name": .string("\(token) value \(n)"),
                        "text": .string("free text about \(token), item \(n)"),
                        "nested": .object(["\(token)_inner": .array([.string("\(token) deep"), .int(Int64(n))])]),
                    ],
                    tags: ["\(token)-tag", "tag-\(n)"])
            }
        }

        static let secretLevel = "SECRET"
        static let visible: Set<String> = ["UNCLASSIFIED", "RESTRICTED", "CONFIDENTIAL"]

        @Test func aConfidentialSiteLearnsNothingOfSecret() throws {
            let federation = try Federation(devices: ["alpha/hq", "bravo/hq"])
            defer { federation.shutdown() }
            let alpha = federation.member("alpha/hq"), bravo = federation.member("bravo/hq")
            let canaries = Canaries()
            var expected: [String: Set<String>] = [:]
            var written = 0
            // SECRET and lower writes interleaved, so that any counter shared between levels
            // (sequence numbers, batch numbers) would show a gap below SECRET.
            func write(round: Int) throws {
                var secrets: [String] = []
                for _ in 0..<4 {
                    for level in ["SECRET", "CONFIDENTIAL", "SECRET", "RESTRICTED", "SECRET", "UNCLASSIFIED"] {
                        let token = level == Self.secretLevel ? canaries.secret : canaries.lower
                        written += 1
                        let request = canaries.record(written, level: level, token: token)
                        _ = try alpha.client.putRecord(request)
                        expected[level, default: []].insert(request.id!)
                        if level == Self.secretLevel { secrets.append(request.id!) }
                    }
                }
                // Updates and a deletion of SECRET records: more SECRET deltas of other kinds.
                _ = try alpha.client.putRecord(
                    PutRecordRequest(id: secrets[0], fields: ["\(canaries.secret)_later": .string("\(canaries.secret) update")]))
                _ = try alpha.client.deleteRecord(id: secrets[1])
                let request = canaries.record(1000 + round, level: "CONFIDENTIAL", token: canaries.lower)
                _ = try bravo.client.putRecord(request)
                expected["CONFIDENTIAL", default: []].insert(request.id!)
            }
            try write(round: 0)
            let observer = try TestPeerIdentity.fresh(agency: "bravo", device: "observer", clearance: "CONFIDENTIAL")
            let peer = try SyncHostilePeerTests.connectInSync(as: observer, to: alpha)
            defer { peer.close() }
            // Written while connected: pushed to the peer at once.
            try write(round: 1)
            do {
                try federation.waitForConvergence(expected)
                try Self.waitUntilHolding(peer, everythingVisibleAt: alpha)
            } catch {
                Issue.record("\(error)\n\(federation.logs())")
                return
            }

            try Self.checkFrames(peer.snapshot, canaries: canaries, observer: observer)
            try Self.checkControlAPI(of: bravo, canaries: canaries)
            try federation.stop("bravo/hq")
            try Self.checkStateDirectory(of: bravo, canaries: canaries)
            // No site logs any canary: not the CONFIDENTIAL one, not even the SECRET one.
            for member in federation.members {
                let log = try Data(contentsOf: URL(fileURLWithPath: member.site.log))
                for token in [canaries.secret, canaries.lower] {
                    #expect(log.range(of: Data(token.utf8)) == nil, "\(member.device)'s log holds \(token)")
                }
            }
        }

        /// Waits until `peer` stored every delta `member` holds at the levels it may see.
        static func waitUntilHolding(_ peer: TestPeer, everythingVisibleAt member: Federation.Member) throws {
            try FederationWait.until("the observer holds everything visible", timeout: 15) {
                let held = Dictionary(uniqueKeysWithValues: try member.client.status().levels.map { ($0.name, $0.deltas) })
                let received = Dictionary(
                    grouping: peer.snapshot.replica.stored.compactMap { try? SealedDelta.parse($0) }, by: \.header.level)
                for level in visible where received[level]?.count != held[level] {
                    return "\(level): \(received[level]?.count ?? 0) of \(held[level] ?? 0)"
                }
                return nil
            }
        }

        static func contains(_ bytes: some Sequence<UInt8>, _ text: String) -> Bool {
            Data(bytes).range(of: Data(text.utf8)) != nil
        }
    }
}
