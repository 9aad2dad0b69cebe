import CairnControl
import CairnModel
import CairnProtocol
import CairnStore
import CairnTestSupport
import CairnTrust
import Foundation
import Testing

@testable import CairnDaemon

/// Retroactive revocation between real sites (stores on disk), without a network: what a device
/// wrote from its revocation's effective time on is withdrawn wherever it was accepted, the
/// records it touched are recomputed, and sites that learn the revocation end equal.
@Suite struct SiteRetroactiveRevocationTests {
    /// Waits for the next whole second and returns it: everything written from now on is
    /// stamped at or after it, everything written before is stamped before it.
    static func nextSecond() -> Int64 {
        let second = Int64(Date().timeIntervalSince1970) + 1
        while Date().timeIntervalSince1970 < Double(second) { Thread.sleep(forTimeInterval: 0.02) }
        return second
    }

    /// The stream heads of `site` at `levels`: the version vector a peer cleared for them sees.
    static func vector(_ site: Site, levels: Set<String>, author: [UInt8]? = nil) throws -> [StreamHeadRow] {
        try site.database.streamHeads().filter { levels.contains($0.level) && (author == nil || $0.author == author) }
    }

    static func digests(_ site: Site, levels: Set<String>) throws -> [String: [UInt8]] {
        Dictionary(uniqueKeysWithValues: try site.status.stateDigest().levels.filter { levels.contains($0.name) }.map { ($0.name, $0.digest) })
    }

    /// The laptop writes before and after T; hq holds all of it, bravo only what came before T.
    static func scenario(_ body: (_ hq: Site, _ laptop: Site, _ bravo: Site, _ effective: Int64) throws -> Void) throws {
        try SiteRevocationTests.withSites(["alpha/hq", "alpha/laptop", "bravo/hq"]) { sites in
            let (hq, laptop, bravo) = (sites[0], sites[1], sites[2])
            try SiteFixture.mintKeys(sites)
            try SiteRevocationTests.meshed(sites)
            _ = try hq.records.put(
                PutRecordRequest(id: "c-shared", type: "note", classification: "CONFIDENTIAL", fields: ["v": "hq", "keep": 1], tags: ["a"]))
            _ = try laptop.records.put(PutRecordRequest(id: "c-early", type: "note", classification: "CONFIDENTIAL", fields: ["v": "early"]))
            try SiteRevocationTests.meshed(sites)
            let effective = nextSecond()
            // From T on, the laptop (or whoever holds it) writes.
            _ = try laptop.records.put(PutRecordRequest(id: "c-shared", classification: nil, fields: ["v": "thief", "new": true], tags: ["stolen"]))
            _ = try laptop.records.put(PutRecordRequest(id: "c-thief", type: "note", classification: "CONFIDENTIAL", fields: ["v": "x"]))
            _ = try laptop.records.put(PutRecordRequest(id: "c-early", classification: nil, fields: ["v": "late"]))
            _ = try laptop.records.put(PutRecordRequest(id: "s-thief", type: "note", classification: "SECRET", fields: ["v": "x"]))
            _ = try laptop.records.delete(id: "c-early")
            try SiteRevocationTests.exchange(hq, laptop)
            #expect(try hq.records.document(id: "c-shared").fields["v"] == "thief")
            try body(hq, laptop, bravo, effective)
        }
    }

    @Test func whatTheDeviceWroteFromTIsWithdrawnAndTheRecordsAreRecomputed() throws {
        try Self.scenario { hq, laptop, bravo, effective in
            let laptopID = laptop.identity.deviceID.bytes
            try SiteRevocationTests.exchange(hq, bravo)
            #expect(try bravo.records.document(id: "c-thief").fields["v"] == "x")
            let revocation = try SiteRevocationTests.revocation(of: "alpha/laptop", effectiveAt: effective)
            #expect(try hq.trust.accept(revocation: revocation, from: "test").learned)

            #expect(SiteFixture.refusal { try hq.records.document(id: "c-thief") } == .recordNotFound)
            #expect(SiteFixture.refusal { try hq.records.document(id: "s-thief") } == .recordNotFound)
            let shared = try hq.records.document(id: "c-shared")
            #expect(shared.fields == ["v": "hq", "keep": 1])
            #expect(shared.tags == ["a"])
            let early = try hq.records.document(id: "c-early")
            #expect(early.fields["v"] == "early" && early.deleted == nil)
            #expect(try hq.records.historyEntries(id: "c-shared").allSatisfy { $0.author.by == "alpha/hq" })
            #expect(try hq.records.historyEntries(id: "c-early").count == 1)
            // Nothing stamped from T on is held, and every stream is still a prefix.
            #expect(try hq.database.firstSequences(author: laptopID, stampedFrom: UInt64(effective) * 1000).isEmpty)
            let withdrawn = try hq.database.quarantined().filter { $0.author == laptopID }
            // Five records deltas (three at CONFIDENTIAL before the delete, one at SECRET) and no
            // grant: the laptop wrote no grant after T.
            #expect(withdrawn.count == 5, "\(withdrawn.count)")
            #expect(withdrawn.allSatisfy { $0.reason.hasPrefix("withdrawn:") })
            for head in try hq.database.streamHeads() {
                let held = try hq.database.deltas(author: head.author, level: head.level, fromSequence: 1, limit: 100_000)
                #expect(held.map(\.sequence) == Array(1...head.sequence))
                #expect(held.last?.id == head.headID)
            }
            #expect(try hq.audit.auditEntries(after: 0, limit: 1000).contains { $0.kind == "device.deltas_withdrawn" })

            // bravo still serves them until it learns the revocation; then both are equal.
            let common: Set<String> = ["UNCLASSIFIED", "RESTRICTED", "CONFIDENTIAL"]
            #expect(try Self.digests(hq, levels: common) != Self.digests(bravo, levels: common))
            #expect(try bravo.trust.accept(revocation: revocation, from: "test").learned)
            #expect(SiteFixture.refusal { try bravo.records.document(id: "c-thief") } == .recordNotFound)
            #expect(try Self.digests(hq, levels: common) == Self.digests(bravo, levels: common))
            // The laptop's streams end at the same place (each site also rotated its keys: those
            // grants travel with the next exchanges).
            #expect(try Self.vector(hq, levels: common, author: laptopID) == Self.vector(bravo, levels: common, author: laptopID))

            // What the laptop still offers is refused (not stored again, not looping), and what
            // the two exchange changes nothing.
            let offered = try SiteIngestTests.envelopes(laptop, levels: common)
            let report = try hq.ingest.ingest(offered, from: SiteIngestTests.source(laptop))
            #expect(report.stored == 0 && (report.refusals["author_revoked"] ?? 0) == 4, "\(report.refusals)")
            try SiteRevocationTests.exchange(hq, bravo)
            try SiteRevocationTests.exchange(hq, bravo)
            #expect(try Self.digests(hq, levels: common) == Self.digests(bravo, levels: common))
            #expect(try Self.vector(hq, levels: common) == Self.vector(bravo, levels: common))
        }
    }

    /// A site that learns the revocation before the deltas reach it refuses them, and ends
    /// equal to the site that had accepted them and withdrew them: same records, same vector.
    @Test func aSiteThatLearnsTheRevocationFirstEndsEqualToOneThatWithdrew() throws {
        try Self.scenario { hq, laptop, bravo, effective in
            let revocation = try SiteRevocationTests.revocation(of: "alpha/laptop", effectiveAt: effective)
            #expect(try bravo.trust.accept(revocation: revocation, from: "test").learned)
            let common: Set<String> = ["UNCLASSIFIED", "RESTRICTED", "CONFIDENTIAL"]
            // hq, not knowing yet, offers everything it holds, and so does the laptop.
            let fromHQ = try bravo.ingest.ingest(SiteIngestTests.envelopes(hq, levels: common), from: SiteIngestTests.source(hq))
            #expect(fromHQ.refusals["author_revoked"] == 4, "\(fromHQ.refusals)")
            let fromLaptop = try bravo.ingest.ingest(SiteIngestTests.envelopes(laptop, levels: common), from: SiteIngestTests.source(laptop))
            #expect(fromLaptop.stored == 0)
            #expect(SiteFixture.refusal { try bravo.records.document(id: "c-thief") } == .recordNotFound)
            #expect(try bravo.records.document(id: "c-shared").fields["v"] == "hq")

            #expect(try hq.trust.accept(revocation: revocation, from: "test").learned)
            #expect(try Self.digests(hq, levels: common) == Self.digests(bravo, levels: common))
            let laptopID = laptop.identity.deviceID.bytes
            #expect(try Self.vector(hq, levels: common, author: laptopID) == Self.vector(bravo, levels: common, author: laptopID))
            try SiteRevocationTests.exchange(hq, bravo)
            try SiteRevocationTests.exchange(hq, bravo)
            #expect(try Self.vector(hq, levels: common) == Self.vector(bravo, levels: common))
        }
    }

    /// Deltas the device wrote before T stay, even when they arrive after the revocation.
    @Test func deltasWrittenBeforeTStayAndStillArrive() throws {
        try SiteRevocationTests.withSites(["alpha/hq", "alpha/laptop"]) { sites in
            let (hq, laptop) = (sites[0], sites[1])
            try SiteIngestTests.introduce(hq, laptop)
            _ = try laptop.records.put(PutRecordRequest(id: "r-1", type: "note", classification: "RESTRICTED", fields: ["v": 1]))
            let effective = Self.nextSecond()
            _ = try laptop.records.put(PutRecordRequest(id: "r-1", classification: nil, fields: ["v": 2]))
            _ = try hq.trust.accept(revocation: SiteRevocationTests.revocation(of: "alpha/laptop", effectiveAt: effective), from: "test")
            let report = try hq.ingest.ingest(SiteIngestTests.envelopes(laptop, levels: ["RESTRICTED"]), from: SiteIngestTests.source(laptop))
            #expect(report.refusals["author_revoked"] == 1, "\(report.refusals)")
            #expect(try hq.records.document(id: "r-1").fields["v"] == 1)
        }
    }

    /// Grants the device wrote after T are withdrawn with the rest, and no key it ever held or
    /// granted stays the key new records are sealed with.
    @Test func grantsWrittenAfterTAreWithdrawnAndTheirKeysRotatedAway() throws {
        try SiteRevocationTests.withSites(["alpha/hq", "alpha/laptop"]) { sites in
            let (hq, laptop) = (sites[0], sites[1])
            try SiteFixture.mintKeys(sites)
            try SiteRevocationTests.meshed(sites)
            let effective = Self.nextSecond()
            // After T the laptop meets charlie and (once the grace a holder not responsible for a
            // key waits has passed) grants it every key it holds up to RESTRICTED.
            let met = Int64(Date().timeIntervalSince1970)
            try laptop.keys.learn([TestKeys.verifiedCertificate("charlie/hq")], from: "test", now: met)
            try laptop.keys.learn([], from: "test", now: met + GrantPlan.grace)
            try SiteRevocationTests.exchange(hq, laptop)
            let laptopID = laptop.identity.deviceID.bytes
            let before = try hq.database.deltaCount()
            _ = try hq.trust.accept(revocation: SiteRevocationTests.revocation(of: "alpha/laptop", effectiveAt: effective), from: "test")
            let withdrawn = try hq.database.quarantined().filter { $0.author == laptopID }.map { try SealedDelta.parse($0.envelope) }
            #expect(!withdrawn.isEmpty && withdrawn.allSatisfy { $0.header.kind == .grant })
            #expect(Set(withdrawn.map(\.header.level)) == ["UNCLASSIFIED", "RESTRICTED"])
            #expect(try hq.database.deltaCount() >= before - withdrawn.count)
            for level in hq.keys.keysDocument().levels {
                let current = try #require(level.epochs.first { $0.current })
                #expect(!current.holders.contains("alpha/laptop"), "\(level.name)")
            }
        }
    }

    /// A withdrawal larger than one group is finished by later groups, and one interrupted by a
    /// stop is finished by the drain the daemon runs after its next start.
    @Test func aLargeWithdrawalIsFinishedAfterARestart() async throws {
        try await withTemporaryDirectory { directory in
            let hqConfig = try SiteFixture.config(in: directory, device: "alpha/hq", stateDirectory: "state-hq")
            let laptopConfig = try SiteFixture.config(in: directory, device: "alpha/laptop", stateDirectory: "state-laptop")
            let laptop = try SiteFixture.load(laptopConfig)
            defer { try? laptop.database.close() }
            var hq = try SiteFixture.load(hqConfig)
            try SiteFixture.mintKeys([hq, laptop])
            try SiteIngestTests.introduce(hq, laptop)
            try SiteRevocationTests.exchange(hq, laptop)
            let effective = Self.nextSecond()
            for n in 0..<7 {
                _ = try laptop.records.put(PutRecordRequest(id: "r-\(n)", type: "note", classification: "RESTRICTED", fields: ["n": .int(Int64(n))]))
            }
            try SiteRevocationTests.exchange(hq, laptop)
            #expect(try hq.records.listDocuments(level: "RESTRICTED", type: nil, tag: nil, deleted: .include).count == 7)
            // The drain is not running (the daemon runs it as a task of its service group): the
            // "restart" below does it.
            hq.withdrawalDrain.limit = 3
            _ = try hq.trust.accept(revocation: SiteRevocationTests.revocation(of: "alpha/laptop", effectiveAt: effective), from: "test")
            let laptopID = laptop.identity.deviceID.bytes
            #expect(try hq.database.quarantined().filter { $0.author == laptopID }.count == 3)
            #expect(try hq.records.listDocuments(level: "RESTRICTED", type: nil, tag: nil, deleted: .include).count == 4)
            try hq.database.close()

            hq = try SiteFixture.load(hqConfig)
            defer { try? hq.database.close() }
            hq.withdrawalDrain.limit = 3
            await hq.withdrawalDrain.drain(hq)
            #expect(try hq.database.quarantined().filter { $0.author == laptopID }.count == 7)
            #expect(try hq.records.listDocuments(level: "RESTRICTED", type: nil, tag: nil, deleted: .include).isEmpty)
            #expect(try hq.database.firstSequences(author: laptopID, stampedFrom: UInt64(effective) * 1000).isEmpty)
            let heads = try hq.database.streamHeads().filter { $0.author == laptopID }
            for head in heads {
                #expect(try hq.database.deltas(author: laptopID, level: head.level, fromSequence: 1, limit: 1000).count == Int(head.sequence))
            }
        }
    }

    /// A charter amendment that withdraws a device withdraws what it wrote from the amendment's
    /// issue time on, as a revocation does.
    @Test func anAmendmentWithdrawsWhatTheDeviceWroteAfterIt() throws {
        try SiteRevocationTests.withSites(["alpha/hq", "charlie/hq"]) { sites in
            let (hq, charlie) = (sites[0], sites[1])
            try SiteRevocationTests.meshed(sites)
            _ = try charlie.records.put(PutRecordRequest(id: "r-before", type: "note", classification: "RESTRICTED", fields: ["v": 1]))
            let issued = Self.nextSecond()
            _ = try charlie.records.put(PutRecordRequest(id: "r-after", type: "note", classification: "RESTRICTED", fields: ["v": 2]))
            _ = try charlie.records.put(PutRecordRequest(id: "r-before", classification: nil, fields: ["v": 3]))
            try SiteRevocationTests.exchange(hq, charlie)
            #expect(try hq.records.document(id: "r-before").fields["v"] == 3)
            let v1 = TestKeys.charter()
            var draft = try Charter.make(
                federationName: v1.federationName, federationID: v1.federationID, version: 2, levels: v1.levels.names,
                agencies: v1.agencies.filter { $0.name.value != "charlie" }, threshold: 2, issuedAt: issued)
            draft = try draft.sign(with: TestKeys.agency("alpha")).sign(with: TestKeys.agency("bravo"))
            #expect(try hq.trust.accept(charter: draft.signed, from: "test").withdrawn == ["charlie/hq"])
            #expect(try hq.records.document(id: "r-before").fields["v"] == 1)
            #expect(SiteFixture.refusal { try hq.records.document(id: "r-after") } == .recordNotFound)
        }
    }
}
