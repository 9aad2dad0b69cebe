import CairnControl
import CairnModel
import CairnTestSupport
import Foundation
import Testing

@testable import CairnDaemon

/// The state digest (`GET /v1/digest`): equal at sites holding the same records whatever order
/// their deltas arrived in, different as soon as one field differs.
@Suite struct DigestTests {
    /// Two writers that cannot see each other write (some of it to the same fields), then hand
    /// each other everything; a third site receives all of it shuffled. Each saw the deltas in
    /// a different order, and all three must show one digest per common level.
    @Test func sitesHoldingTheSameDeltasInAnyOrderShowTheSameDigest() throws {
        try Self.withSites { alpha, bravo, laptop in
            // Everyone knows everyone, so every writer grants its keys to both other sites.
            try alpha.keys.learn([bravo.identity.certificate, laptop.identity.certificate], from: "test")
            try bravo.keys.learn([alpha.identity.certificate, laptop.identity.certificate], from: "test")
            try laptop.keys.learn([alpha.identity.certificate, bravo.identity.certificate], from: "test")
            try Self.write(alpha, prefix: "a")
            try Self.write(bravo, prefix: "b")

            let common: Set<String> = ["UNCLASSIFIED", "RESTRICTED", "CONFIDENTIAL"]
            let fromAlpha = try SiteIngestTests.envelopes(alpha, levels: Set(alpha.identity.readableLevels))
            let fromBravo = try SiteIngestTests.envelopes(bravo, levels: common)
            let commonFromAlpha = try SiteIngestTests.envelopes(alpha, levels: common)
            #expect(try bravo.ingest.ingest(commonFromAlpha, from: SiteIngestTests.source(alpha)).refused == 0)
            #expect(try alpha.ingest.ingest(fromBravo, from: SiteIngestTests.source(bravo)).refused == 0)
            var random = SeededRandom(seed: 0xd16e57)
            let shuffled = (fromAlpha + fromBravo).shuffled(using: &random)
            for chunk in stride(from: 0, to: shuffled.count, by: 7) {
                let batch = Array(shuffled[chunk..<min(chunk + 7, shuffled.count)])
                _ = try laptop.ingest.ingest(batch, from: SiteIngestTests.source(alpha))
            }
            #expect(laptop.ledger.read { $0.waiting.count } == 0)

            // The concurrent writes to one field left a conflict, so the digest covers one.
            #expect(try alpha.records.document(id: "shared-1").conflicts["status"]?.count == 1)
            // `record list --conflicts` (issue 17): the records with such a field, and only them.
            let all = try alpha.records.list(level: nil, type: nil, tag: nil, deleted: .include)
            let conflicted = try alpha.records.list(level: nil, type: nil, tag: nil, deleted: .include, conflictsOnly: true)
            #expect(conflicted.map(\.id.rawValue).contains("shared-1"))
            #expect(conflicted.map(\.id.rawValue) == all.filter { !$0.view().conflicts.isEmpty }.map(\.id.rawValue))
            #expect(conflicted.count < all.count)
            #expect(try bravo.records.document(id: "shared-1") == alpha.records.document(id: "shared-1"))

            let (a, b, l) = (try alpha.status.stateDigest(), try bravo.status.stateDigest(), try laptop.status.stateDigest())
            #expect(b.levels.map(\.name) == ["UNCLASSIFIED", "RESTRICTED", "CONFIDENTIAL"])
            for level in b.levels {
                let fromA = try #require(a.levels.first { $0.name == level.name })
                let fromL = try #require(l.levels.first { $0.name == level.name })
                #expect(level.records > 0)
                #expect(fromA == level, "\(level.name): alpha and bravo differ")
                #expect(fromL == level, "\(level.name): laptop and bravo differ")
            }
            #expect(a.levels.last?.name == "SECRET" && a.levels.last?.records == 6)
            #expect(a == l, "alpha and the laptop hold every level alike")
            #expect(a.digest != b.digest, "bravo holds fewer levels, so its overall digest differs")
            #expect(DocumentMapping.document(a).levels["SECRET"]?.digest == Hex.encode(a.levels[3].digest))
        }
    }

    /// One field written at one site changes that level's digest there and nowhere else, and
    /// handing the delta over makes the digests equal again.
    @Test func oneDifferingFieldChangesTheDigestOfItsLevel() throws {
        try Self.withSites { alpha, _, laptop in
            try alpha.keys.learn([laptop.identity.certificate], from: "test")
            try laptop.keys.learn([alpha.identity.certificate], from: "test")
            try Self.write(alpha, prefix: "a")
            let levels = Set(alpha.identity.readableLevels)
            let all = try SiteIngestTests.envelopes(alpha, levels: levels)
            _ = try laptop.ingest.ingest(all, from: SiteIngestTests.source(alpha))
            let before = try alpha.status.stateDigest()
            #expect(try laptop.status.stateDigest() == before)

            let held = try SiteIngestTests.envelopes(alpha, levels: levels)
            _ = try alpha.records.put(PutRecordRequest(id: "a-r-2", fields: ["n": 3]))
            let after = try alpha.status.stateDigest()
            #expect(after.digest != before.digest)
            for (old, new) in zip(before.levels, after.levels) {
                #expect((old == new) == (old.name != "RESTRICTED"), "\(old.name)")
            }
            #expect(try laptop.status.stateDigest() == before)

            let fresh = try SiteIngestTests.envelopes(alpha, levels: levels).filter { !held.contains($0) }
            #expect(fresh.count == 1)
            _ = try laptop.ingest.ingest(fresh, from: SiteIngestTests.source(alpha))
            #expect(try laptop.status.stateDigest() == after)
        }
    }

    /// The encoding sorts every map, so how a dictionary was built cannot show; and it tells
    /// apart what the model tells apart (a removed field from a null one, -0.0 from 0.0).
    @Test func theRecordEncodingIsCanonical() throws {
        let author = try DeviceID([UInt8](repeating: 7, count: 32))
        let other = try DeviceID([UInt8](repeating: 9, count: 32))
        let stamp = { (wall: UInt64) in Stamp(hlc: HLCTimestamp(wallMillis: wall, counter: 0), author: author) }
        func state(_ names: [String], value: FieldValue?, capacity: Int) throws -> RecordState {
            var fields = [String: FieldRegister](minimumCapacity: capacity)
            for (index, name) in names.enumerated() {
                var register = FieldRegister()
                let write = FieldWrite(stamp: stamp(UInt64(10 + index)), value: value)
                register.apply(write, observed: CausalContext([other: .zero]))
                fields[name] = register
            }
            var object = [String: FieldValue](minimumCapacity: capacity)
            for name in names { object[name] = .int(1) }
            fields["object"] = FieldRegister(writes: [author: FieldWrite(stamp: stamp(5), value: .object(object))])
            return RecordState(
                id: try RecordID("r-1"), level: "SECRET", type: "note", typeStamp: stamp(1), fields: fields,
                tags: ["t": TagState(adds: CausalContext([author: stamp(2).hlc]))], deleted: nil, created: stamp(1),
                updated: stamp(40))
        }
        let names = (0..<40).map { "f\($0)" }
        let forward = try state(names, value: .string("x"), capacity: 0)
        var backward = try state(names.reversed(), value: .string("x"), capacity: 512)
        // Same content built in another order: reversing changes which stamp went with which name.
        for (index, name) in names.enumerated() {
            backward.fields[name]!.writes[author]!.stamp = stamp(UInt64(10 + index))
        }
        #expect(forward == backward)
        #expect(CanonicalRecordEncoding.encode(forward) == CanonicalRecordEncoding.encode(backward))

        let encodings = try [FieldValue?.none, .null, .double(0.0), .double(-0.0)].map {
            CanonicalRecordEncoding.encode(try state(["f"], value: $0, capacity: 0))
        }
        #expect(Set(encodings).count == 4)
    }

    @Test func theRouteIsAReadRoute() throws {
        #expect(try ControlRoute.resolve(method: "GET", target: "/v1/digest") == .digest)
        #expect(ControlRoute.digest.requiredRight == .read)
        let refusal = SiteFixture.refusal { try ControlRoute.resolve(method: "POST", target: "/v1/digest") }
        #expect(refusal == .methodNotAllowed)
    }

    // MARK: Helpers

    /// alpha/hq (SECRET), bravo/hq (CONFIDENTIAL) and alpha/laptop (SECRET), each with its own store.
    static func withSites(_ body: (Site, Site, Site) throws -> Void) throws {
        try withTemporaryDirectory { directory in
            let configs = try [("alpha/hq", "a"), ("bravo/hq", "b"), ("alpha/laptop", "l")].map { device, state in
                try SiteFixture.config(in: directory, device: device, stateDirectory: "state-" + state)
            }
            try SiteFixture.withSite(configs[0]) { alpha in
                try SiteFixture.withSite(configs[1]) { bravo in
                    try SiteFixture.withSite(configs[2]) { laptop in try body(alpha, bravo, laptop) }
                }
            }
        }
    }

    /// Records at every level `site` holds (some edited, tagged, untagged, deleted) and writes
    /// to the `shared-*` records that the other writer writes too.
    static func write(_ site: Site, prefix: String) throws {
        let levels = site.identity.readableLevels
        for (index, level) in levels.enumerated() {
            for n in 0..<6 {
                let id = "\(prefix)-\(level.prefix(1).lowercased())-\(n)"
                _ = try site.records.put(PutRecordRequest(
                    id: id, type: "note", classification: level, fields: ["n": .int(Int64(n)), "by": .string(prefix)],
                    tags: n % 2 == 0 ? ["even"] : []))
                if n % 3 == 0 {
                    _ = try site.records.put(PutRecordRequest(id: id, fields: ["n": .double(Double(n) / 2)], removeTags: ["even"]))
                }
                if n == 4 { _ = try site.records.delete(id: id) }
            }
            if index < 3 {
                _ = try site.records.put(PutRecordRequest(
                    id: "shared-\(index)", type: "note", classification: level, fields: ["status": .string(prefix)],
                    tags: [prefix]))
            }
        }
    }
}
