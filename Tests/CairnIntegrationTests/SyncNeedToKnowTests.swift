import CairnControl
import CairnCrypto
import CairnModel
import CairnProtocol
import CairnTestSupport
import Foundation
import Testing

extension IntegrationSuite {
    /// Need-to-know across real connections: a site cleared for RESTRICTED never holds, and is
    /// never sent, anything of CONFIDENTIAL or SECRET, while it does get everything it may see.
    @Suite(.timeLimit(.minutes(1)))
    struct SyncNeedToKnowTests {
        /// Marker strings written into records of one level, looked for where they must not be.
        struct Canaries {
            /// The run's `LogCanary`: every daemon's log is scanned for it.
            let token = LogCanary.token
            var secret: String { "canary-secret-\(token)" }
            var confidential: String { "canary-confidential-\(token)" }
            var restricted: String { "canary-restricted-\(token)" }
            var forbidden: [String] { [secret, confidential] }
        }

        static let allowed: Set<String> = ["UNCLASSIFIED", "RESTRICTED"]

        @Test func aRestrictedSiteStoresNothingAboveItsClearance() throws {
            let federation = try Federation(devices: ["alpha/hq", "bravo/hq", "charlie/hq"])
            defer { federation.shutdown() }
            let canaries = Canaries()
            var expected: [String: Set<String>] = [:]
            func put(_ device: String, _ id: String, _ level: String, _ text: String) throws {
                _ = try federation.client(device).putRecord(
                    PutRecordRequest(
                        id: id, type: "report", classification: level, fields: ["text": .string(text)], tags: [text]))
                expected[level, default: []].insert(id)
            }
            for n in 0..<4 {
                try put("alpha/hq", "s-\(n)-\(canaries.token)", "SECRET", canaries.secret)
                try put("alpha/hq", "ac-\(n)-\(canaries.token)", "CONFIDENTIAL", canaries.confidential)
                try put("bravo/hq", "bc-\(n)-\(canaries.token)", "CONFIDENTIAL", canaries.confidential)
                try put(n % 2 == 0 ? "alpha/hq" : "bravo/hq", "r-\(n)-\(canaries.token)", "RESTRICTED", canaries.restricted)
                try put("charlie/hq", "u-\(n)", "UNCLASSIFIED", "plain-\(n)")
            }
            do {
                try federation.waitForConvergence(expected)
            } catch {
                Issue.record("\(error)\n\(federation.logs())")
                return
            }
            let charlie = federation.member("charlie/hq")
            // It got what it may see, readable (the positive control of everything below).
            let restricted = try charlie.client.listRecords(class: "RESTRICTED")
            #expect(restricted.count == 4 && restricted.allSatisfy { $0.fields["text"] == .string(canaries.restricted) })
            // Nobody offered it more: a peer sending above its clearance would show up here.
            let refusals = try charlie.client.auditEntries().filter {
                $0.kind.hasPrefix("sync.") && $0.kind.hasSuffix("_refused")
            }
            #expect(refusals.isEmpty, "charlie/hq refused input: \(refusals.map(\.detail))")

            try federation.stop("charlie/hq")
            try federation.stop("bravo/hq")
            for (member, ceiling) in [(charlie, "RESTRICTED"), (federation.member("bravo/hq"), "CONFIDENTIAL")] {
                let levels = try Self.storedLevels(member.site)
                let permitted = Set(Federation.levels.filter { Federation.isCleared(ceiling, for: $0) })
                #expect(levels.isSubset(of: permitted), "\(member.device) stores levels \(levels.sorted())")
                #expect(levels.contains("RESTRICTED"), "\(member.device) should store RESTRICTED deltas")
            }
            let counts = try ProcessRunner.run(
                "/usr/bin/sqlite3",
                [charlie.site.state + "/cairn.sqlite", "SELECT level, COUNT(*) FROM delta GROUP BY level;"])
            #expect(
                counts.status == 0 && counts.stdout.contains("RESTRICTED|"),
                "charlie/hq deltas: \(counts.stdout) \(counts.stderr)")
            #expect(
                !counts.stdout.contains("SECRET") && !counts.stdout.contains("CONFIDENTIAL"),
                "charlie/hq deltas: \(counts.stdout)")

            // No trace of the forbidden canaries in any file of its state directory or in its log;
            // bravo/hq has no SECRET one either.
            for (member, forbidden) in [(charlie, canaries.forbidden), (federation.member("bravo/hq"), [canaries.secret])] {
                var files = try member.site.stateFiles()
                files.append(("cairnd.log", try Data(contentsOf: URL(fileURLWithPath: member.site.log))))
                for (name, data) in files {
                    for canary in forbidden {
                        #expect(data.range(of: Data(canary.utf8)) == nil, "\(member.device): \(name) holds \(canary)")
                    }
                }
            }
        }

        @Test func aRestrictedPeerIsSentNothingAboveItsClearance() throws {
            let federation = try Federation(devices: ["alpha/hq"])
            defer { federation.shutdown() }
            let alpha = federation.member("alpha/hq")
            let canaries = Canaries()
            func writeAllLevels(_ round: Int) throws {
                for n in 0..<3 {
                    for (level, text) in [
                        ("SECRET", canaries.secret), ("CONFIDENTIAL", canaries.confidential),
                        ("RESTRICTED", canaries.restricted),
                    ] {
                        _ = try alpha.client.putRecord(
                            PutRecordRequest(
                                id: "\(level.lowercased())-\(round)-\(n)", type: "report", classification: level,
                                fields: ["text": .string(text)],
                                tags: [text]))
                    }
                }
                _ = try alpha.client.putRecord(
                    PutRecordRequest(id: "u-\(round)", type: "note", classification: "UNCLASSIFIED", fields: ["n": 1]))
            }
            try writeAllLevels(1)
            let peer = try TestPeer.connect(port: alpha.port, as: .fixture("charlie/hq"))
            defer { peer.close() }
            try peer.waitUntilAdmitted()
            // Written while connected: pushed at once.
            try writeAllLevels(2)
            for _ in 0..<2 {
                let result = try alpha.client.sync(SyncRequest(peer: "charlie/hq", wait: true))
                #expect(result.rounds.map(\.completed) == [true], "round with the test peer: \(result)")
            }
            // Everything alpha holds at the levels charlie may see reaches it.
            let status = try alpha.client.status()
            let held = Dictionary(uniqueKeysWithValues: status.levels.map { ($0.name, $0.deltas) })
            let snapshot = try peer.wait("every UNCLASSIFIED and RESTRICTED delta", timeout: 15) { snapshot in
                let received = Dictionary(
                    grouping: snapshot.replica.stored.compactMap { try? SealedDelta.parse($0) }, by: \.header.level)
                return Self.allowed.allSatisfy { received[$0]?.count == held[$0] }
            }

            #expect(snapshot.replica.errors.isEmpty, "session errors: \(snapshot.replica.errors)")
            var deltas: [SealedDelta] = []
            var summaries: [UInt32] = []
            for (index, received) in snapshot.received.enumerated() {
                guard let frame = received.frame else {
                    Issue.record("frame \(index) did not decode: \(received.decodingError ?? "")")
                    continue
                }
                for canary in canaries.forbidden + [canaries.restricted] {
                    let carries = Self.contains(received.bytes, canary)
                    #expect(!carries, "frame \(index) (\(frame.kind)) carries \(canary)")
                }
                switch frame {
                case .hello, .certificates, .trust:
                    // Certificates state their device's clearance, and charters (every device holds
                    // its federation's) list the levels: the places a level name may appear.
                    continue
                case .summary(_, _, let streams):
                    summaries.append(streams)
                case .vector(_, let positions, _):
                    for position in positions {
                        #expect(Self.allowed.contains(position.level), "frame \(index): vector names \(position.level)")
                    }
                case .deltas(_, let envelopes):
                    for envelope in envelopes {
                        let delta = try SealedDelta.parse(envelope)
                        #expect(Self.allowed.contains(delta.header.level), "frame \(index): a \(delta.header.level) delta")
                        deltas.append(delta)
                    }
                case .earlyGrants(let envelopes):
                    for envelope in envelopes {
                        let delta = try SealedDelta.parse(envelope)
                        #expect(Self.allowed.contains(delta.header.level), "frame \(index): an early \(delta.header.level) grant")
                    }
                case .auditHeads(let own, _):
                    // The site's audit head counts its writes at every level: never sent to a peer cleared lower.
                    #expect(own == nil, "frame \(index): the site sent its own audit head to a peer cleared lower")
                case .reconcile:
                    Issue.record("frame \(index): a reconcile frame to a peer that did not announce protocol 2")
                case .agree, .ack, .goodbye:
                    break
                }
                for name in ["SECRET", "CONFIDENTIAL"] {
                    let names = Self.contains(received.bytes, name)
                    #expect(!names, "frame \(index) (\(frame.kind)) names \(name)")
                }
            }
            // A summary counts the streams of the common levels only: no more than were sent.
            let streams = Set(deltas.map(\.header.stream))
            #expect(
                !summaries.isEmpty && summaries.allSatisfy { $0 <= UInt32(streams.count) },
                "summaries \(summaries), streams \(streams.count)")

            // Opened with charlie/hq's own keys: the RESTRICTED canaries are there (so the check can
            // fail), nothing of a higher level is, not even re-sealed at a lower level.
            let plaintexts = try Self.open(deltas, as: TestPeerIdentity.fixture("charlie/hq"))
            #expect(
                plaintexts.contains { $0.contains(canaries.restricted) }, "no RESTRICTED record reached the peer readable")
            for text in plaintexts {
                for canary in canaries.forbidden {
                    let carries = text.contains(canary)
                    #expect(!carries, "a delta sent to charlie/hq carries \(canary)")
                }
            }
        }

        // MARK: Helpers

        /// Every level named anywhere in a stopped site's store.
        static func storedLevels(_ site: SiteDirectory) throws -> Set<String> {
            let tables = ["delta", "stream", "record", "epoch_key", "unapplied", "quarantine", "grant_seen"]
            let sql = tables.map { "SELECT level FROM \($0)" }.joined(separator: " UNION ") + ";"
            let result = try ProcessRunner.run("/usr/bin/sqlite3", [site.state + "/cairn.sqlite", sql])
            guard result.status == 0 else { throw TestFailure("sqlite3: \(result.stderr)") }
            return Set(result.stdout.split(separator: "\n").map(String.init))
        }

        static func contains(_ bytes: [UInt8], _ text: String) -> Bool {
            Data(bytes).range(of: Data(text.utf8)) != nil
        }

        /// Opens every RECORDS delta whose key was granted to `identity` in `deltas`; returns each
        /// opened change as text.
        static func open(_ deltas: [SealedDelta], as identity: TestPeerIdentity) throws -> [String] {
            var keys: [String: XChaCha20Poly1305.Key] = [:]
            for delta in deltas where delta.header.kind == .grant {
                for grant in try GrantCopies.grants(of: delta) where grant.recipient == identity.deviceID {
                    keys["\(grant.level) \(grant.epoch)"] = try grant.openKey(with: identity.keys.wrapping)
                }
            }
            return try deltas.compactMap { delta in
                guard delta.header.kind == .records, let epoch = delta.header.epoch,
                    let key = keys["\(delta.header.level) \(epoch)"]
                else { return nil }
                return "\(try delta.open(key: key).operations)"
            }
        }
    }
}
