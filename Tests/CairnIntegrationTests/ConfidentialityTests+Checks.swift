import CairnControl
import CairnModel
import CairnProtocol
import Foundation
import Testing

extension IntegrationSuite.ConfidentialityTests {
    /// What the CONFIDENTIAL test peer received from the SECRET site: no SECRET canary in any
    /// frame, no SECRET delta or vector entry, no count or number that grows with SECRET writes.
    static func checkFrames(
        _ snapshot: TestPeerRecorder.Snapshot, canaries: Canaries, observer: TestPeerIdentity
    ) throws {
        #expect(snapshot.replica.errors.isEmpty, "session errors: \(snapshot.replica.errors)")
        var deltas: [SealedDelta] = []
        var summaries: [UInt32] = []
        var vectorStreams: Set<StreamID> = []
        var batches: [UInt64] = []
        for (index, received) in snapshot.received.enumerated() {
            let kind = received.frame?.kind ?? "undecodable"
            #expect(!contains(received.bytes, canaries.secret), "frame \(index) (\(kind)) carries the SECRET canary")
            guard let frame = received.frame else {
                Issue.record("frame \(index) did not decode: \(received.decodingError ?? "")")
                continue
            }
            switch frame {
            case .hello, .certificates, .trust:
                // Certificates state clearances and charters list levels: where a level's name
                // may appear. They say nothing of records.
                continue
            case .summary(_, _, let streams):
                summaries.append(streams)
            case .vector(_, let positions, _):
                for position in positions {
                    #expect(visible.contains(position.level), "frame \(index): vector entry at \(position.level)")
                    vectorStreams.insert(position.stream)
                }
            case .deltas(let batch, let envelopes):
                batches.append(batch)
                for envelope in envelopes {
                    let delta = try SealedDelta.parse(envelope)
                    #expect(visible.contains(delta.header.level), "frame \(index): a \(delta.header.level) delta header")
                    deltas.append(delta)
                }
            case .earlyGrants(let envelopes):
                // Sent again in stream order later: checked for their level only.
                for envelope in envelopes {
                    let delta = try SealedDelta.parse(envelope)
                    #expect(visible.contains(delta.header.level), "frame \(index): an early \(delta.header.level) grant")
                }
            case .auditHeads(let own, _):
                // The site's audit head counts its writes at every level: never sent to a peer cleared lower.
                #expect(own == nil, "frame \(index): the site sent its own audit head to a peer cleared lower")
            case .reconcile:
                Issue.record("frame \(index): a reconcile frame to a peer that did not announce protocol 2")
            case .agree, .ack, .goodbye:
                break
            }
            #expect(!contains(received.bytes, secretLevel), "frame \(index) (\(frame.kind)) names \(secretLevel)")
        }

        // Counts: a summary counts only the streams the peer was sent; vectors list only those;
        // batches are numbered without gaps; every stream's sequence numbers run 1...n, so no
        // SECRET write took a number at a lower level.
        let streams = Dictionary(grouping: deltas, by: \.header.stream)
        #expect(!summaries.isEmpty && summaries.allSatisfy { $0 <= UInt32(streams.count) }, "summaries \(summaries), \(streams.count) streams")
        #expect(vectorStreams.isSubset(of: Set(streams.keys)), "vectors name \(vectorStreams.count) streams, \(streams.count) were sent")
        #expect(!batches.isEmpty && zip(batches, batches.dropFirst()).allSatisfy { $1 == $0 + 1 }, "batch numbers \(batches)")
        for (stream, members) in streams {
            let sequences = members.map(\.header.sequence).sorted()
            #expect(sequences == Array(1...UInt64(sequences.count)), "\(stream.level) stream: sequences \(sequences)")
        }

        // Opened with the peer's own keys: the lower canary is there (the check can fail),
        // the SECRET one is not, not even re-sealed at a lower level.
        let plaintexts = try IntegrationSuite.SyncNeedToKnowTests.open(deltas, as: observer)
        #expect(plaintexts.contains { $0.contains(canaries.lower) }, "no readable record reached the observer")
        #expect(!plaintexts.contains { $0.contains(canaries.secret) }, "a delta sent to the observer carries the SECRET canary")
    }

    /// The CONFIDENTIAL site's control API: status, digest, keys, peers, audit and metrics.
    static func checkControlAPI(of member: Federation.Member, canaries: Canaries) throws {
        let client = member.client
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        let status = try client.status()
        #expect(Set(status.levels.map(\.name)).isSubset(of: visible), "status lists \(status.levels.map(\.name))")
        #expect(status.levels.contains { $0.name == "CONFIDENTIAL" && $0.records > 0 }, "status: \(status.levels)")
        let keys = try client.keys()
        #expect(Set(keys.levels.map(\.name)).isSubset(of: visible), "keys lists \(keys.levels.map(\.name))")
        let peers = try client.peers()
        #expect(Set(peers.peers.flatMap { $0.levels.map(\.name) }).isSubset(of: visible))
        let documents: [(String, Data)] = [
            ("status", try encoder.encode(status)), ("digest", try encoder.encode(try client.digest())),
            ("keys", try encoder.encode(keys)), ("peers", try encoder.encode(peers)),
            ("records", try encoder.encode(try client.listRecords(deleted: .include))),
        ]
        for (name, data) in documents {
            #expect(!contains(data, canaries.secret), "\(name) holds the SECRET canary")
            // A peer's clearance (from its certificate) may be SECRET; nothing else may say it.
            let text = String(decoding: data, as: UTF8.self).replacing("\"clearance\":\"\(secretLevel)\"", with: "")
            #expect(!text.contains(secretLevel), "\(name) names \(secretLevel): \(text)")
        }
        // The audit log names SECRET only as a learnt device's clearance (from its certificate).
        let audit = try client.auditEntries()
        #expect(!contains(try encoder.encode(audit), canaries.secret))
        let naming = audit.filter { $0.detail.contains(secretLevel) && $0.kind != "device.learned" }
        #expect(naming.isEmpty, "audit entries naming \(secretLevel): \(naming.map { "\($0.kind) \($0.detail)" })")
        // Metrics: no canary, and nothing counted at SECRET.
        let metrics = try client.metrics()
        #expect(!metrics.contains(canaries.secret))
        let counted = metrics.split(separator: "\n").filter { $0.contains(secretLevel) && !$0.hasPrefix("#") && !$0.hasSuffix(" 0") }
        #expect(counted.isEmpty, "metrics counting \(secretLevel): \(counted)")
    }

    /// Every file the stopped CONFIDENTIAL site keeps: no SECRET canary in any byte, no SECRET
    /// level in any table.
    static func checkStateDirectory(of member: Federation.Member, canaries: Canaries) throws {
        var files = 0
        let enumerator = FileManager.default.enumerator(atPath: member.site.path)
        while let name = enumerator?.nextObject() as? String {
            let path = member.site.path + "/" + name
            var directory: ObjCBool = false
            guard FileManager.default.fileExists(atPath: path, isDirectory: &directory), !directory.boolValue,
                let data = FileManager.default.contents(atPath: path)
            else { continue }
            files += 1
            #expect(!contains(data, canaries.secret), "\(member.device): \(name) holds the SECRET canary")
        }
        #expect(files >= 3, "only \(files) files under \(member.site.path)")
        let levels = try IntegrationSuite.SyncNeedToKnowTests.storedLevels(member.site)
        #expect(levels.isSubset(of: visible), "\(member.device) stores levels \(levels.sorted())")
        // Every table, as text (blobs are dumped as hex): SECRET in none of them.
        let dump = try ProcessRunner.run("/usr/bin/sqlite3", [member.site.state + "/cairn.sqlite", ".dump"])
        #expect(dump.status == 0, "sqlite3: \(dump.stderr)")
        // Device certificates (table device, and the audit of their learning) state clearances.
        let lines = dump.stdout.split(separator: "\n").filter {
            !$0.hasPrefix("INSERT INTO device VALUES")
                && $0.replacing("\"clearance\":\"\(secretLevel)\"", with: "").contains(secretLevel)
        }
        #expect(lines.isEmpty, "\(member.device)'s store names \(secretLevel): \(lines.prefix(5).map { $0.prefix(200) })")
    }
}
