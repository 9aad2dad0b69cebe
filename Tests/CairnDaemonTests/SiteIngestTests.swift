import CairnControl
import CairnCrypto
import CairnModel
import CairnProtocol
import CairnStore
import CairnTestSupport
import CairnTrust
import Foundation
import NIOPosix
import Testing

@testable import CairnDaemon

/// Receiving deltas from other sites, without a network: two real sites (stores on disk) hand
/// each other the envelopes a peer would send, and the receiver must verify, store, apply and
/// refuse exactly as the protocol says.
@Suite struct SiteIngestTests {
    /// Runs `body` with two loaded sites of the test federation in one temporary directory.
    static func withSites(_ a: String, _ b: String, _ body: (Site, Site) throws -> Void) throws {
        try withTemporaryDirectory { directory in
            let first = try SiteFixture.config(in: directory, device: a, stateDirectory: "state-a")
            let second = try SiteFixture.config(in: directory, device: b, stateDirectory: "state-b")
            try SiteFixture.withSite(first) { siteA in
                try SiteFixture.withSite(second) { siteB in try body(siteA, siteB) }
            }
        }
    }

    /// Every delta `from` holds at `levels`, in stream order: what a round would send.
    static func envelopes(_ site: Site, levels: Set<String>) throws -> [[UInt8]] {
        var result: [[UInt8]] = []
        for head in try site.database.streamHeads() where levels.contains(head.level) {
            result += try site.database.deltas(author: head.author, level: head.level, fromSequence: 1, limit: 100_000).map(\.envelope)
        }
        return result
    }

    static func source(_ site: Site) -> DeltaSource {
        DeltaSource(name: site.identity.ref, clearance: site.identity.clearance)
    }

    /// Introduces the two sites to each other (as a Hello exchange does): each learns the
    /// other's certificate and grants it the keys it is cleared for.
    static func introduce(_ a: Site, _ b: Site) throws {
        try a.keys.learn([b.identity.certificate], from: "test")
        try b.keys.learn([a.identity.certificate], from: "test")
    }


    @Test func recordsAndGrantsFlowAndTheReceiverCanReadThem() throws {
        try Self.withSites("alpha/hq", "alpha/laptop") { hq, laptop in
            try Self.introduce(hq, laptop)
            _ = try hq.records.put(PutRecordRequest(id: "ta-9", type: "threat", classification: "SECRET", fields: ["summary": "convoy"], tags: ["north"]))
            _ = try hq.records.put(PutRecordRequest(id: "inc-1", type: "incident", classification: "UNCLASSIFIED", fields: ["title": "road"]))
            let all = try Self.envelopes(hq, levels: Set(hq.identity.readableLevels))
            let report = try laptop.ingest.ingest(all, from: Self.source(hq))
            #expect(report.refused == 0)
            #expect(report.stored == all.count)
            let record = try laptop.records.document(id: "ta-9")
            #expect(record.fields["summary"] == "convoy")
            #expect(record.created.by == "alpha/hq")
            #expect(try laptop.records.document(id: "inc-1").fields["title"] == "road")

            // Sending the same deltas again stores nothing and changes nothing.
            let again = try laptop.ingest.ingest(all, from: Self.source(hq))
            #expect(again.duplicate == all.count && again.stored == 0)
            #expect(try laptop.records.document(id: "ta-9") == record)
        }
    }

    @Test func deltasArrivingBeforeTheirKeyAreAppliedWhenItComes() throws {
        try Self.withSites("alpha/hq", "bravo/hq") { alpha, bravo in
            // alpha writes before it knows bravo: no grant for bravo exists yet.
            _ = try alpha.records.put(PutRecordRequest(id: "c-1", type: "note", classification: "CONFIDENTIAL", fields: ["n": 1]))
            try bravo.keys.learn([alpha.identity.certificate], from: "test")
            let records = try Self.envelopes(alpha, levels: ["CONFIDENTIAL"])
            let first = try bravo.ingest.ingest(records, from: Self.source(alpha))
            #expect(first.stored == records.count)
            #expect(SiteFixture.refusal { try bravo.records.document(id: "c-1") } == .recordNotFound)

            // alpha learns bravo and grants it the key; the grant delta unlocks the record.
            try alpha.keys.learn([bravo.identity.certificate], from: "test")
            let grants = try Self.envelopes(alpha, levels: ["CONFIDENTIAL"]).filter { !records.contains($0) }
            #expect(!grants.isEmpty)
            _ = try bravo.ingest.ingest(grants, from: Self.source(alpha))
            #expect(try bravo.records.document(id: "c-1").fields["n"] == 1)
            #expect(try bravo.database.unappliedCounts().isEmpty)
        }
    }

    /// A key that unlocks a large backlog applies it in bounded groups: the grant's own group
    /// takes the first `limit`, the drain the rest, one group at a time. (In one group, a
    /// million waiting deltas took 7.8 GB and two minutes without an acknowledgement.)
    @Test func aLargeBacklogIsAppliedInBoundedGroups() async throws {
        try await withTemporaryDirectory { directory in
            let (alpha, bravo) = try await blocking {
                (
                    try SiteFixture.load(try SiteFixture.config(in: directory, device: "alpha/hq", stateDirectory: "state-a")),
                    try SiteFixture.load(try SiteFixture.config(in: directory, device: "bravo/hq", stateDirectory: "state-b"))
                )
            }
            defer {
                try? alpha.database.close()
                try? bravo.database.close()
            }
            for n in 0..<10 {
                _ = try alpha.records.put(PutRecordRequest(id: "c-\(n)", type: "note", classification: "CONFIDENTIAL", fields: ["n": .int(Int64(n))]))
            }
            try bravo.keys.learn([alpha.identity.certificate], from: "test")
            let records = try Self.envelopes(alpha, levels: ["CONFIDENTIAL"])
            _ = try bravo.ingest.ingest(records, from: Self.source(alpha))
            let waiting = try bravo.database.unappliedCounts()["CONFIDENTIAL"] ?? 0
            #expect(waiting >= 10)

            // The drain is not running (the daemon runs it as a task of its service group).
            bravo.backlog.limit = 3
            try alpha.keys.learn([bravo.identity.certificate], from: "test")
            let grants = try Self.envelopes(alpha, levels: ["CONFIDENTIAL"]).filter { !records.contains($0) }
            _ = try bravo.ingest.ingest(grants, from: Self.source(alpha))
            // The grant's group applied the first three and left the rest waiting.
            #expect(try bravo.database.unappliedCounts()["CONFIDENTIAL"] == waiting - 3)
            #expect(try bravo.records.document(id: "c-0").fields["n"] == 0)

            let pool = NIOThreadPool(numberOfThreads: 1)
            pool.start()
            await bravo.backlog.drain(bravo, threadPool: pool)
            try await pool.shutdownGracefully()
            #expect(try bravo.database.unappliedCounts().isEmpty)
            for n in 0..<10 { #expect(try bravo.records.document(id: "c-\(n)").fields["n"] == .int(Int64(n))) }
        }
    }

    @Test func aPeerSendingAboveItsClearanceIsRefusedAndNothingIsStored() throws {
        try Self.withSites("alpha/hq", "alpha/laptop") { hq, laptop in
            try Self.introduce(hq, laptop)
            _ = try hq.records.put(PutRecordRequest(id: "s-1", type: "note", classification: "SECRET", fields: ["x": 1]))
            let secret = try Self.envelopes(hq, levels: ["SECRET"])
            let before = try laptop.database.deltaCount()
            // Claimed to come from a CONFIDENTIAL peer: refused whatever the author.
            let report = try laptop.ingest.ingest(secret, from: DeltaSource(name: "bravo/hq", clearance: "CONFIDENTIAL"))
            #expect(report.refused == secret.count)
            #expect(report.refusals["above_sender_clearance"] == secret.count)
            #expect(try laptop.database.deltaCount() == before)
            let audit = try laptop.audit.auditEntries(after: 0, limit: 1000)
            #expect(audit.contains { $0.kind == "sync.delta_refused" && $0.detail.contains("above_sender_clearance") })
        }
    }

    @Test func aSiteNeverStoresALevelAboveItsOwnClearance() throws {
        try Self.withSites("alpha/hq", "charlie/hq") { alpha, charlie in
            try Self.introduce(alpha, charlie)
            _ = try alpha.records.put(PutRecordRequest(id: "s-1", type: "note", classification: "SECRET", fields: ["x": 1]))
            let secret = try Self.envelopes(alpha, levels: ["SECRET"])
            let report = try charlie.ingest.ingest(secret, from: Self.source(alpha))
            #expect(report.refusals["above_our_clearance"] == secret.count)
            #expect(try charlie.database.deltaCounts()["SECRET"] == nil)
        }
    }

    @Test func handMadeEnvelopesMatchTheRealEncoding() throws {
        try SiteFixture.withAlphaSite { site in
            _ = try site.records.put(PutRecordRequest(id: "e-1", type: "note", classification: "SECRET", fields: ["x": 1]))
            for envelope in try Self.envelopes(site, levels: ["SECRET"]) {
                let delta = try SealedDelta.parse(envelope)
                #expect(HandMadeEnvelope.encode(header: delta.headerBytes, body: delta.body, signature: delta.signature) == envelope)
                #expect(site.identity.keys.signing.publicKey.isValidSignature(
                    delta.signature, for: HandMadeEnvelope.signedMessage(header: delta.headerBytes, body: delta.body)))
            }
        }
    }

    @Test func forgedTamperedAndUnknownDeltasAreRefused() throws {
        try Self.withSites("alpha/hq", "alpha/laptop") { hq, laptop in
            try Self.introduce(hq, laptop)
            _ = try hq.records.put(PutRecordRequest(id: "r-1", type: "note", classification: "RESTRICTED", fields: ["x": 1]))
            let own = try Self.envelopes(hq, levels: ["RESTRICTED"])
            let before = try laptop.database.deltaCount()

            // A byte of the sealed body flipped: the signature no longer holds.
            var tampered = own.last!
            tampered[tampered.count - 70] ^= 0x01
            // Signed by another key than the author's.
            let original = try SealedDelta.parse(own.last!)
            let forger = Ed25519.PrivateKey()
            let forged = HandMadeEnvelope.encode(
                header: original.headerBytes, body: original.body,
                signature: forger.signature(for: HandMadeEnvelope.signedMessage(header: original.headerBytes, body: original.body)))
            // A certified-looking author nobody knows.
            let stranger = DeviceSecretKeys.generate()
            let change = Change(
                author: stranger.deviceID, level: "RESTRICTED", hlc: HLCTimestamp(wallMillis: 1_790_000_000_000, counter: 0),
                operations: [.setType(record: try RecordID("r-9"), type: "note")])
            let unknown = try SealedDelta.seal(
                change: change, sequence: 1, previous: [], epoch: EpochRef.random(number: 1), key: XChaCha20Poly1305.Key(),
                signer: stranger.signing)

            let report = try laptop.ingest.ingest([tampered, forged, unknown.envelope, [1, 2, 3]], from: Self.source(hq))
            #expect(report.refused == 4)
            #expect(report.refusals["bad_signature"] == 2)
            #expect(report.refusals["unknown_author"] == 1)
            #expect(report.refusals["malformed"] == 1)
            #expect(try laptop.database.deltaCount() == before)
        }
    }

    @Test func outOfOrderDeltasWaitAndFollowTheirPredecessor() throws {
        try Self.withSites("alpha/hq", "alpha/laptop") { hq, laptop in
            try Self.introduce(hq, laptop)
            for n in 1...5 {
                _ = try hq.records.put(PutRecordRequest(id: "r-\(n)", type: "note", classification: "RESTRICTED", fields: ["n": .int(Int64(n))]))
            }
            let deltas = try Self.envelopes(hq, levels: Set(hq.identity.readableLevels))
            let restricted = try Self.envelopes(hq, levels: ["RESTRICTED"])
            let others = deltas.filter { !restricted.contains($0) }
            _ = try laptop.ingest.ingest(others, from: Self.source(hq))
            // The last three first: they wait for the first ones.
            let late = try laptop.ingest.ingest(Array(restricted.suffix(3)), from: Self.source(hq))
            #expect(late.pending == 3 && late.stored == 0)
            let early = try laptop.ingest.ingest(Array(restricted.prefix(restricted.count - 3)), from: Self.source(hq))
            #expect(early.stored == restricted.count - 3 && early.released == 3)
            #expect(try laptop.records.document(id: "r-5").fields["n"] == 5)
        }
    }

    @Test func equivocationIsKeptAsEvidenceAndRefused() throws {
        try Self.withSites("alpha/hq", "alpha/laptop") { hq, laptop in
            try Self.introduce(hq, laptop)
            _ = try hq.records.put(PutRecordRequest(id: "r-1", type: "note", classification: "RESTRICTED", fields: ["x": 1]))
            let honest = try Self.envelopes(hq, levels: Set(hq.identity.readableLevels))
            _ = try laptop.ingest.ingest(honest, from: Self.source(hq))
            // hq's key signs a second, different delta at a position already taken.
            let head = try #require(hq.ledger.read { $0.heads["RESTRICTED"] })
            let (epoch, key) = try #require(hq.records.keyring().current(level: "RESTRICTED"))
            let change = Change(
                author: hq.identity.deviceID, level: "RESTRICTED", hlc: HLCTimestamp(wallMillis: 1_790_000_000_000, counter: 9),
                operations: [.setType(record: try RecordID("r-2"), type: "fork")])
            let taken = try #require(try hq.database.delta(id: head.deltaID))
            let fork = try SealedDelta.seal(
                change: change, sequence: head.sequence, previous: try SealedDelta.parse(taken.envelope).header.previous,
                epoch: epoch, key: key, signer: hq.identity.keys.signing)
            let report = try laptop.ingest.ingest([fork.envelope], from: Self.source(hq))
            #expect(report.refusals["equivocation"] == 1)
            #expect(try laptop.database.quarantined().contains { $0.deltaID == fork.id })
            #expect(SiteFixture.refusal { try laptop.records.document(id: "r-2") } == .recordNotFound)
        }
    }
}

/// Which certificate of a device a site keeps.
@Suite struct KnownDeviceCertificateTests {
    static func certificate(_ ref: String, notBefore: Int64, notAfter: Int64) throws -> DeviceCertificate {
        let request = try CertificationRequest.verify(TestKeys.request(ref))
        let signed = try DeviceCertificate.issue(
            request: request, agencyKey: TestKeys.agency(String(ref.split(separator: "/")[0])), charter: TestKeys.charter(),
            clearance: "SECRET", notBefore: notBefore, notAfter: notAfter)
        return try DeviceCertificate.verifyIgnoringTime(signed, charter: TestKeys.charter())
    }

    /// A peer replaying a device's older (say, expired) certificate must not displace the
    /// newer one: the site would refuse the device's new deltas and stop granting it keys.
    @Test func anOlderCertificateNeverReplacesANewerOne() throws {
        let now = Int64(Date().timeIntervalSince1970)
        let old = try Self.certificate("alpha/laptop", notBefore: now - 400 * 86_400, notAfter: now - 30 * 86_400)
        let new = try Self.certificate("alpha/laptop", notBefore: now - 86_400, notAfter: now + 365 * 86_400)
        try SiteFixture.withAlphaSite { site in
            #expect(try site.keys.learn([new], from: "test") == 1)
            #expect(try site.keys.learn([old], from: "test") == 0)
            #expect(site.ledger.read { $0.devices.certificate(new.deviceID)?.serial } == new.serial)
            // And the other way round, a renewal is taken.
            let renewed = try Self.certificate("alpha/laptop", notBefore: now, notAfter: now + 730 * 86_400)
            #expect(try site.keys.learn([renewed], from: "test") == 1)
            #expect(site.ledger.read { $0.devices.certificate(new.deviceID)?.serial } == renewed.serial)
        }
    }
}
