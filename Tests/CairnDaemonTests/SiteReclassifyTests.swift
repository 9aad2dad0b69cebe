import CairnControl
import CairnModel
import CairnProtocol
import CairnStore
import CairnTestSupport
import CairnTrust
import Foundation
import Testing

@testable import CairnDaemon

/// Reclassification and retraction between in-process sites: alpha/hq and alpha/laptop
/// (SECRET, agency alpha), bravo/hq (CONFIDENTIAL, agency bravo).
@Suite struct SiteReclassifyTests {
    typealias Ingest = SiteIngestTests

    static func withThree(charter: SignedObject? = nil, _ body: (Site, Site, Site) throws -> Void) throws {
        try withTemporaryDirectory { directory in
            let configs = try ["alpha/hq", "alpha/laptop", "bravo/hq"].enumerated().map { index, device in
                try SiteFixture.config(in: directory, device: device, charter: charter, stateDirectory: "state-\(index)")
            }
            try SiteFixture.withSite(configs[0]) { hq in
                try SiteFixture.withSite(configs[1]) { laptop in
                    try SiteFixture.withSite(configs[2]) { bravo in
                        for (a, b) in [(hq, laptop), (hq, bravo), (laptop, bravo)] { try Ingest.introduce(a, b) }
                        try body(hq, laptop, bravo)
                    }
                }
            }
        }
    }

    /// Hands `to` everything `from` holds at the levels both may see.
    @discardableResult
    static func sync(_ from: Site, to: Site, levels: Set<String>? = nil) throws -> IngestReport {
        let common = Set(from.identity.readableLevels).intersection(to.identity.readableLevels)
        return try to.ingest.ingest(Ingest.envelopes(from, levels: levels ?? common), from: Ingest.source(from))
    }

    /// Whether the store holds delta `id` in its redacted form.
    static func isRedacted(_ site: Site, _ id: [UInt8]) throws -> Bool {
        let stored = try #require(try site.database.delta(id: id))
        return try SealedDelta.parse(stored.envelope).isRedacted
    }

    static func historyIDs(_ site: Site, _ id: String) throws -> [[UInt8]] {
        try site.records.historyEntries(id: id).map { try Hex.decode($0.delta) }
    }

    @Test func raisingALevelDropsTheRecordAtALowerSiteAndRedactsItsDeltas() throws {
        try Self.withThree { hq, _, bravo in
            _ = try hq.records.put(PutRecordRequest(id: "c-1", type: "note", classification: "CONFIDENTIAL", fields: ["n": 1], tags: ["x"]))
            _ = try hq.records.put(PutRecordRequest(id: "c-1", fields: ["m": "two"]))
            let old = try Self.historyIDs(hq, "c-1")
            #expect(old.count == 2)
            try Self.sync(hq, to: bravo)
            #expect(try bravo.records.document(id: "c-1").fields["m"] == "two")

            let moved = try hq.withdrawal.reclassify(id: "c-1", to: "SECRET")
            #expect(moved.level == "SECRET")
            let shown = try hq.records.document(id: "c-1", level: "SECRET")
            #expect(shown.fields["n"] == 1 && shown.fields["m"] == "two" && shown.tags == ["x"])
            #expect(try hq.records.document(id: "c-1").classification == "SECRET")
            for id in old { #expect(try Self.isRedacted(hq, id)) }

            try Self.sync(hq, to: bravo)
            #expect(SiteFixture.refusal { try bravo.records.document(id: "c-1") } == .recordNotFound)
            #expect(try bravo.records.listDocuments(level: nil, type: nil, tag: nil, deleted: .include).isEmpty)
            for id in old { #expect(try Self.isRedacted(bravo, id)) }
            // A put at the old level may not bring it back under the same id.
            #expect(SiteFixture.refusal {
                try hq.records.put(PutRecordRequest(id: "c-1", classification: "CONFIDENTIAL", fields: ["n": 2]))
            } == .classificationMismatch)
            let entries = try hq.audit.auditEntries(after: 0, limit: 1000)
            let audit = try #require(entries.last { $0.kind == "record.reclassified" })
            #expect(audit.detail.contains("CONFIDENTIAL") && audit.detail.contains("SECRET"))
            #expect(!entries.contains { $0.detail.contains("c-1") })
        }
    }

    @Test func loweringALevelReachesTheLowerSite() throws {
        try Self.withThree { hq, laptop, bravo in
            _ = try hq.records.put(PutRecordRequest(id: "s-1", type: "threat", classification: "SECRET", fields: ["who": "x"]))
            try Self.sync(hq, to: laptop)
            try Self.sync(hq, to: bravo)
            #expect(SiteFixture.refusal { try bravo.records.document(id: "s-1") } == .recordNotFound)

            _ = try hq.withdrawal.reclassify(id: "s-1", to: "CONFIDENTIAL")
            try Self.sync(hq, to: bravo)
            let record = try bravo.records.document(id: "s-1")
            #expect(record.classification == "CONFIDENTIAL" && record.fields["who"] == "x")
            try Self.sync(hq, to: laptop)
            #expect(try laptop.records.document(id: "s-1").classification == "CONFIDENTIAL")
            #expect(try laptop.records.listDocuments(level: "SECRET", type: nil, tag: nil, deleted: .include).isEmpty)
            // Edits continue at the new level and reach both.
            _ = try laptop.records.put(PutRecordRequest(id: "s-1", fields: ["who": "y"]))
            try Self.sync(laptop, to: bravo)
            #expect(try bravo.records.document(id: "s-1").fields["who"] == "y")
        }
    }

    @Test func aRetractionRemovesTheRecordEverywhere() throws {
        try Self.withThree { hq, laptop, bravo in
            _ = try hq.records.put(PutRecordRequest(id: "r-1", type: "note", classification: "CONFIDENTIAL", fields: ["n": 1]))
            let old = try Self.historyIDs(hq, "r-1")
            try Self.sync(hq, to: bravo)
            try Self.sync(hq, to: laptop)
            let result = try hq.withdrawal.retract(id: "r-1", reason: "entered in error")
            #expect(result.level == "CONFIDENTIAL" && result.redacted == 1)
            #expect(SiteFixture.refusal { try hq.records.document(id: "r-1") } == .recordRetracted)
            for site in [bravo, laptop] {
                try Self.sync(hq, to: site)
                #expect(SiteFixture.refusal { try site.records.document(id: "r-1") } == .recordRetracted)
                for id in old { #expect(try Self.isRedacted(site, id)) }
            }
            #expect(SiteFixture.refusal {
                try bravo.records.put(PutRecordRequest(id: "r-1", type: "note", classification: "CONFIDENTIAL", fields: ["n": 2]))
            } == .recordRetracted)
            #expect(SiteFixture.refusal { try hq.withdrawal.retract(id: "r-1", reason: "again") } == .recordRetracted)
        }
    }

    @Test func anotherAgencyMayNotLowerALevel() throws {
        try Self.withThree { hq, laptop, bravo in
            _ = try hq.records.put(PutRecordRequest(id: "d-1", type: "note", classification: "CONFIDENTIAL", fields: ["n": 1]))
            try Self.sync(hq, to: bravo)
            #expect(SiteFixture.refusal { try bravo.withdrawal.reclassify(id: "d-1", to: "RESTRICTED") } == .downgradeNotAllowed)
            #expect(SiteFixture.refusal { try bravo.withdrawal.retract(id: "d-1", reason: "mine now") } == .downgradeNotAllowed)
            // Raising is open to any cleared device... but bravo is not cleared for SECRET.
            #expect(SiteFixture.refusal { try bravo.withdrawal.reclassify(id: "d-1", to: "SECRET") } == .aboveClearance)

            // A bravo device that writes the downgrade anyway (bypassing its own check) is
            // ignored by receivers: stored, not applied, audited.
            let record = try RecordID("d-1")
            let state = try #require(try bravo.records.loadState(record, level: "CONFIDENTIAL", keyring: bravo.records.keyring()))
            try bravo.ledger.submitAndWait { context in
                let hlc = context.clock.now()
                _ = try bravo.records.sealOwn(
                    Change(author: bravo.identity.deviceID, level: "RESTRICTED", hlc: hlc,
                        operations: [.reclassify(record: record, from: "CONFIDENTIAL", origin: "bravo")]
                            + WithdrawalService.snapshotOperations(state)), in: &context)
                _ = try bravo.records.sealOwn(
                    Change(author: bravo.identity.deviceID, level: "CONFIDENTIAL", hlc: hlc,
                        operations: [.withdraw(record: record, reason: "reclassified", redact: [], to: "RESTRICTED")]),
                    in: &context)
            }
            try Self.sync(hq, to: laptop)
            let report = try Self.sync(bravo, to: laptop)
            #expect(report.refused == 0)
            let kept = try laptop.records.document(id: "d-1")
            #expect(kept.classification == "CONFIDENTIAL" && kept.fields["n"] == 1)
            let refusals = try laptop.audit.auditEntries(after: 0, limit: 1000).filter { $0.kind == "sync.reclassification_refused" }
            #expect(refusals.count == 2)
            // The snapshot lies about the record's origin; the tombstone breaks the charter's rule.
            #expect(refusals.contains { $0.detail.contains("origin_mismatch") })
            #expect(refusals.contains { $0.detail.contains("downgrade_not_allowed") })
        }
    }

    /// The test federation's charter with the downgrade rule `ANY_CLEARED_AGENCY`.
    static func permissiveCharter() throws -> SignedObject {
        let current = TestKeys.charter()
        var draft = try Charter.make(
            federationName: current.federationName, federationID: current.federationID, levels: current.levels.names,
            agencies: current.agencies, threshold: current.threshold, issuedAt: current.issuedAt, downgrade: .anyClearedAgency)
        for signer in TestKeys.charterSigners { draft = try draft.sign(with: TestKeys.agency(signer)) }
        return draft.signed
    }

    @Test func aCharterMayLetAnyClearedAgencyLowerALevel() throws {
        try Self.withThree(charter: Self.permissiveCharter()) { hq, laptop, bravo in
            #expect(hq.identity.charter.downgrade == .anyClearedAgency)
            _ = try hq.records.put(PutRecordRequest(id: "p-1", type: "note", classification: "CONFIDENTIAL", fields: ["n": 1]))
            try Self.sync(hq, to: bravo)
            try Self.sync(hq, to: laptop)
            let moved = try bravo.withdrawal.reclassify(id: "p-1", to: "RESTRICTED")
            #expect(moved.level == "RESTRICTED")
            try Self.sync(bravo, to: laptop)
            let record = try laptop.records.document(id: "p-1")
            #expect(record.classification == "RESTRICTED" && record.fields["n"] == 1)
            // The origin stays the creator's agency, whoever moved it.
            let state = try #require(try laptop.records.loadState(RecordID("p-1"), level: "RESTRICTED", keyring: laptop.records.keyring()))
            #expect(state.originAgency == "alpha")
            #expect(try laptop.audit.auditEntries(after: 0, limit: 1000).allSatisfy { $0.kind != "sync.reclassification_refused" })
        }
    }

    @Test func oldDeltasArrivingAfterTheTombstoneAreRedactedOnArrival() throws {
        try Self.withThree { hq, laptop, bravo in
            // The laptop creates the record; hq learns it and raises it to SECRET.
            _ = try laptop.records.put(PutRecordRequest(id: "l-1", type: "note", classification: "CONFIDENTIAL", fields: ["n": 1]))
            let old = try Self.historyIDs(laptop, "l-1")
            try Self.sync(laptop, to: hq)
            _ = try hq.withdrawal.reclassify(id: "l-1", to: "SECRET")
            // bravo gets hq's tombstone first, then the laptop's old delta.
            try Self.sync(hq, to: bravo, levels: ["CONFIDENTIAL"])
            #expect(SiteFixture.refusal { try bravo.records.document(id: "l-1") } == .recordNotFound)
            let laptopStream = try Ingest.envelopes(laptop, levels: ["CONFIDENTIAL"]).filter {
                (try? SealedDelta.parse($0))?.header.author == laptop.identity.deviceID
            }
            _ = try bravo.ingest.ingest(laptopStream, from: Ingest.source(laptop))
            #expect(SiteFixture.refusal { try bravo.records.document(id: "l-1") } == .recordNotFound)
            for id in old { #expect(try Self.isRedacted(bravo, id)) }
        }
    }

    @Test func oldDeltasHeldBeforeTheTombstoneAreRedactedWhenItArrives() throws {
        try Self.withThree { hq, laptop, bravo in
            _ = try laptop.records.put(PutRecordRequest(id: "l-2", type: "note", classification: "CONFIDENTIAL", fields: ["n": 1]))
            let old = try Self.historyIDs(laptop, "l-2")
            try Self.sync(laptop, to: bravo)
            #expect(try bravo.records.document(id: "l-2").fields["n"] == 1)
            try Self.sync(laptop, to: hq)
            _ = try hq.withdrawal.reclassify(id: "l-2", to: "SECRET")
            try Self.sync(hq, to: bravo)
            #expect(SiteFixture.refusal { try bravo.records.document(id: "l-2") } == .recordNotFound)
            for id in old { #expect(try Self.isRedacted(bravo, id)) }
            // The laptop, cleared for both, moves the record too.
            try Self.sync(hq, to: laptop)
            #expect(try laptop.records.document(id: "l-2").classification == "SECRET")
            for id in old { #expect(try Self.isRedacted(laptop, id)) }
        }
    }
}
