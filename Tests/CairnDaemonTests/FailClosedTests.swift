import CairnControl
import CairnModel
import CairnProtocol
import CairnStore
import CairnTestSupport
import CairnTrust
import Foundation
import Testing

@testable import CairnDaemon

/// A store that fails under a security path fails the job (the ingest batch, the write, the
/// revocation), never reads as "not withdrawn", "nothing to redact" or "applied". Failures are
/// injected into real stores on disk (`CairnDatabase.faults`) for the named operations only.
@Suite struct FailClosedTests {
    static func failures(_ site: Site) throws -> Int {
        let text = String(decoding: try site.status.metricsExposition(), as: UTF8.self)
        return text.split(separator: "\n").filter { $0.hasPrefix("cairn_store_failures_total") }.compactMap {
            Int($0.split(separator: " ").last ?? "")
        }.reduce(0, +)
    }

    /// A tombstone whose record's deltas cannot be read fails its batch: before, the record was
    /// dropped and its deltas kept their bodies (a withdrawal that redacted nothing).
    @Test func aTombstoneThatCannotFindWhatToRedactFailsItsBatch() throws {
        try SiteIngestTests.withSites("alpha/hq", "bravo/hq") { hq, bravo in
            try SiteIngestTests.introduce(hq, bravo)
            _ = try hq.records.put(PutRecordRequest(id: "c-1", type: "note", classification: "CONFIDENTIAL", fields: ["v": 1]))
            _ = try hq.records.put(PutRecordRequest(id: "c-1", classification: nil, fields: ["v": 2]))
            _ = try bravo.ingest.ingest(SiteIngestTests.envelopes(hq, levels: ["CONFIDENTIAL"]), from: SiteIngestTests.source(hq))
            #expect(try bravo.records.document(id: "c-1").fields["v"] == 2)
            _ = try hq.withdrawal.retract(id: "c-1", reason: "wrong person")
            let all = try SiteIngestTests.envelopes(hq, levels: ["CONFIDENTIAL"])
            let before = try bravo.database.deltaCount()

            bravo.database.faults.fail(["read a record's deltas", "read a delta's records"])
            #expect(throws: SiteError.self) { try bravo.ingest.ingest(all, from: SiteIngestTests.source(hq)) }
            bravo.database.faults.clear()
            #expect(try bravo.database.deltaCount() == before)
            #expect(try bravo.records.document(id: "c-1").fields["v"] == 2)
            #expect(try Self.failures(bravo) > 0)

            // Once the store answers, the same batch withdraws the record and its bodies.
            _ = try bravo.ingest.ingest(all, from: SiteIngestTests.source(hq))
            #expect(SiteFixture.refusal { try bravo.records.document(id: "c-1") } == .recordRetracted)
            let rowKey = bravo.records.rowKey(try RecordID("c-1"), level: "CONFIDENTIAL")
            let held = try bravo.database.recordDeltas(key: rowKey, level: "CONFIDENTIAL")
            #expect(!held.isEmpty)
            #expect(try held.allSatisfy { try SealedDelta.parse($0.envelope).isRedacted })
        }
    }

    /// A retracted id stays retracted when the store cannot say so: the write fails instead of
    /// bringing the record back.
    @Test func aWriteToARetractedIdFailsWhenItsWithdrawalsCannotBeRead() throws {
        try SiteFixture.withAlphaSite { hq in
            _ = try hq.records.put(PutRecordRequest(id: "c-2", type: "note", classification: "CONFIDENTIAL", fields: ["v": 1]))
            _ = try hq.withdrawal.retract(id: "c-2", reason: "wrong")
            // Both ways a write reads the withdrawals: ahead for its whole group, and on its own
            // when that read failed.
            hq.database.faults.fail(["read a record's withdrawals", "read records ahead"])
            #expect(SiteFixture.refusal {
                try hq.records.put(PutRecordRequest(id: "c-2", type: "note", classification: "CONFIDENTIAL", fields: ["v": 2]))
            } == .internal)
            hq.database.faults.clear()
            #expect(SiteFixture.refusal { try hq.records.document(id: "c-2") } == .recordRetracted)
        }
    }

    /// A grant whose waiting deltas cannot be listed fails its batch: before, the grant was
    /// stored and the deltas it unlocked stayed unapplied until the next start.
    @Test func aGrantWhoseBacklogCannotBeReadFailsItsBatch() throws {
        try SiteIngestTests.withSites("alpha/hq", "bravo/hq") { alpha, bravo in
            _ = try alpha.records.put(PutRecordRequest(id: "c-1", type: "note", classification: "CONFIDENTIAL", fields: ["n": 1]))
            try bravo.keys.learn([alpha.identity.certificate], from: "test")
            let records = try SiteIngestTests.envelopes(alpha, levels: ["CONFIDENTIAL"])
            _ = try bravo.ingest.ingest(records, from: SiteIngestTests.source(alpha))
            try alpha.keys.learn([bravo.identity.certificate], from: "test")
            let grants = try SiteIngestTests.envelopes(alpha, levels: ["CONFIDENTIAL"]).filter { !records.contains($0) }

            bravo.database.faults.fail(["read deltas waiting for a key"])
            #expect(throws: SiteError.self) { try bravo.ingest.ingest(grants, from: SiteIngestTests.source(alpha)) }
            bravo.database.faults.clear()
            #expect(SiteFixture.refusal { try bravo.records.document(id: "c-1") } == .recordNotFound)
            _ = try bravo.ingest.ingest(grants, from: SiteIngestTests.source(alpha))
            #expect(try bravo.records.document(id: "c-1").fields["n"] == 1)
        }
    }

    /// A verified revocation that cannot be stored is an error for the caller (a peer's link
    /// closes, a bundle import fails), not one more "refused" revocation.
    @Test func aRevocationThatCannotBeStoredFailsTheCaller() throws {
        try SiteFixture.withAlphaSite { hq in
            try hq.keys.learn([TestKeys.verifiedCertificate("alpha/laptop")], from: "test")
            let revocation = try SiteRevocationTests.revocation(of: "alpha/laptop").serialized()
            hq.database.faults.fail(["commit a batch"])
            #expect(throws: SiteError.self) { try hq.trust.accept(revocations: [revocation], from: "peer:test") }
            hq.database.faults.clear()
            #expect(!hq.trust.isWithdrawn(TestKeys.verifiedCertificate("alpha/laptop")))
            // One that does not verify is still only counted and skipped.
            var forged = revocation
            forged[forged.count - 1] ^= 1
            #expect(try hq.trust.accept(revocations: [forged, revocation], from: "peer:test") == 1)
            #expect(hq.trust.isWithdrawn(TestKeys.verifiedCertificate("alpha/laptop")))
        }
    }

    /// The charter history that cannot be read is an error for the link that would pass it on,
    /// not "no amendment to tell".
    @Test func charterForwardingFailsWhenTheHistoryCannotBeRead() throws {
        try SiteFixture.withAlphaSite { hq in
            let v1 = TestKeys.charter()
            var draft = try Charter.make(
                federationName: v1.federationName, federationID: v1.federationID, version: 2, levels: v1.levels.names,
                agencies: v1.agencies, threshold: 2, issuedAt: TestKeys.now - 10)
            draft = try draft.sign(with: TestKeys.agency("alpha")).sign(with: TestKeys.agency("bravo"))
            #expect(try hq.trust.accept(charter: draft.signed, from: "test").amended)
            hq.database.faults.fail(["read a meta entry"])
            #expect(throws: SiteError.self) { try hq.trust.charters(after: 1) }
            hq.database.faults.clear()
            #expect(try hq.trust.charters(after: 1).count == 1)
        }
    }
}
