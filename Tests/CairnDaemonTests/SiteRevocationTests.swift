import CairnControl
import CairnCrypto
import CairnModel
import CairnProtocol
import CairnStore
import CairnTestSupport
import CairnTrust
import Foundation
import Testing

@testable import CairnDaemon

/// Revocation and key rotation between real sites (stores on disk), without a network: sites
/// hand each other the envelopes a peer would send.
@Suite struct SiteRevocationTests {
    /// Runs `body` with three loaded sites of the test federation.
    static func withSites(_ refs: [String], _ body: ([Site]) throws -> Void) throws {
        try withTemporaryDirectory { directory in
            var sites: [Site] = []
            defer { for site in sites { try? site.database.close() } }
            for (index, ref) in refs.enumerated() {
                let config = try SiteFixture.config(in: directory, device: ref, stateDirectory: "state-\(index)")
                sites.append(try SiteFixture.load(config))
            }
            try body(sites)
        }
    }

    /// One exchange in both directions of everything both may hold, as a sync round would.
    static func exchange(_ a: Site, _ b: Site) throws {
        let levels = a.identity.levels
        let common = Set(levels.levels(atOrBelow: levels.isAtOrBelow(a.identity.clearance, b.identity.clearance) ? a.identity.clearance : b.identity.clearance))
        _ = try b.ingest.ingest(SiteIngestTests.envelopes(a, levels: common), from: SiteIngestTests.source(a))
        _ = try a.ingest.ingest(SiteIngestTests.envelopes(b, levels: common), from: SiteIngestTests.source(b))
    }

    /// Introduces every pair and exchanges until everyone holds everything it may.
    static func meshed(_ sites: [Site]) throws {
        for (i, a) in sites.enumerated() {
            for b in sites.dropFirst(i + 1) { try SiteIngestTests.introduce(a, b) }
        }
        for _ in 0..<2 {
            for (i, a) in sites.enumerated() {
                for b in sites.dropFirst(i + 1) { try exchange(a, b) }
            }
        }
    }

    static func revocation(of ref: String, effectiveAt: Int64 = TestKeys.now - 60, reason: String = "lost") throws -> SignedObject {
        let certificate = TestKeys.verifiedCertificate(ref)
        return try Revocation.issue(
            certificate: certificate, agencyKey: TestKeys.agency(certificate.agency.value), charter: TestKeys.charter(),
            effectiveAt: effectiveAt, reason: reason)
    }

    @Test func aRevokedDeviceCannotReadWhatIsWrittenAfterTheRotation() throws {
        try Self.withSites(["alpha/hq", "alpha/laptop", "bravo/hq"]) { sites in
            let (hq, laptop, bravo) = (sites[0], sites[1], sites[2])
            try SiteFixture.mintKeys(sites)
            try Self.meshed(sites)
            _ = try hq.records.put(PutRecordRequest(id: "s-1", type: "note", classification: "SECRET", fields: ["v": "before"]))
            try Self.exchange(hq, laptop)
            #expect(try laptop.records.document(id: "s-1").fields["v"] == "before")

            let beforeRotation = Set(try SiteIngestTests.envelopes(hq, levels: Set(hq.identity.readableLevels)).map { try SealedDelta.parse($0).id })
            let outcome = try hq.trust.accept(revocation: Self.revocation(of: "alpha/laptop"), from: "test")
            #expect(outcome.learned)
            #expect(Set(outcome.rotated) == Set(hq.identity.readableLevels))
            _ = try hq.records.put(PutRecordRequest(id: "s-1", classification: nil, fields: ["v": "after"]))
            _ = try hq.records.put(PutRecordRequest(id: "c-2", type: "note", classification: "CONFIDENTIAL", fields: ["v": "new"]))

            // The laptop is handed everything the HQ holds (as if it stole the ciphertext):
            // it stores it, but holds no key that opens what was written after the rotation.
            let everything = try SiteIngestTests.envelopes(hq, levels: Set(hq.identity.readableLevels))
            _ = try laptop.ingest.ingest(everything, from: DeltaSource(name: "thief", clearance: "SECRET"))
            #expect(try laptop.records.document(id: "s-1").fields["v"] == "before")
            #expect(SiteFixture.refusal { try laptop.records.document(id: "c-2") } == .recordNotFound)
            let after = try everything.map(SealedDelta.parse).filter { delta in
                delta.header.kind == .records && !beforeRotation.contains(delta.id)
            }
            #expect(after.count == 2)
            let laptopKeys = laptop.records.keyring().entries
            #expect(!laptopKeys.isEmpty)
            for delta in after {
                for entry in laptopKeys {
                    #expect(throws: ProtocolError.self) { try delta.open(key: entry.key) }
                }
            }
            // Nor can its own wrapping key open any grant of the new epochs: none was made for it.
            let grants = try everything.map(SealedDelta.parse).filter { $0.header.kind == .grant }.flatMap(GrantCopies.grants(of:))
            let newEpochs = Set(hq.records.keyring().entries.filter { $0.epoch.number == 2 }.map(\.epoch))
            #expect(!newEpochs.isEmpty)
            for grant in grants where newEpochs.contains(grant.epoch) {
                #expect(grant.recipient != laptop.identity.deviceID)
                #expect(throws: ProtocolError.self) { try grant.openKey(with: laptop.identity.keys.wrapping) }
            }
            // Bravo, still cleared, reads the new CONFIDENTIAL record.
            try Self.exchange(hq, bravo)
            #expect(try bravo.records.document(id: "c-2").fields["v"] == "new")
        }
    }

    @Test func deltasARevokedDeviceWritesAfterItsRevocationAreRefused() throws {
        try Self.withSites(["alpha/hq", "alpha/laptop"]) { sites in
            let (hq, laptop) = (sites[0], sites[1])
            try Self.meshed(sites)
            _ = try laptop.records.put(PutRecordRequest(id: "r-1", type: "note", classification: "RESTRICTED", fields: ["v": 1]))
            // Effective a minute from now: what the laptop wrote above stays acceptable.
            let effective = Int64(Date().timeIntervalSince1970) + 60
            _ = try hq.trust.accept(revocation: Self.revocation(of: "alpha/laptop", effectiveAt: effective), from: "test")
            let before = try SiteIngestTests.envelopes(laptop, levels: ["RESTRICTED"])
            #expect(try hq.ingest.ingest(before, from: SiteIngestTests.source(laptop)).refused == 0)
            #expect(try hq.records.document(id: "r-1").fields["v"] == 1)

            // A revocation effective in the past refuses what the laptop writes now.
            try withTemporaryDirectory { directory in
                let config = try SiteFixture.config(in: directory, device: "alpha/hq")
                try SiteFixture.withSite(config) { other in
                    try other.keys.learn([laptop.identity.certificate], from: "test")
                    let past = Int64(Date().timeIntervalSince1970) - 60
                    _ = try other.trust.accept(revocation: Self.revocation(of: "alpha/laptop", effectiveAt: past), from: "test")
                    let report = try other.ingest.ingest(
                        try SiteIngestTests.envelopes(laptop, levels: ["RESTRICTED"]), from: SiteIngestTests.source(laptop))
                    #expect(report.refusals["author_revoked"] ?? 0 > 0)
                    #expect(SiteFixture.refusal { try other.records.document(id: "r-1") } == .recordNotFound)
                }
            }
        }
    }

    @Test func concurrentRotationsByTwoSitesConverge() throws {
        try Self.withSites(["alpha/hq", "alpha/laptop", "bravo/hq"]) { sites in
            let (hq, laptop, bravo) = (sites[0], sites[1], sites[2])
            try SiteFixture.mintKeys(sites)
            try Self.meshed(sites)
            // Both learn the revocation before hearing from each other: both rotate.
            let revocation = try Self.revocation(of: "alpha/laptop")
            #expect(try !hq.trust.accept(revocation: revocation, from: "test").rotated.isEmpty)
            #expect(try !bravo.trust.accept(revocation: revocation, from: "test").rotated.isEmpty)
            try Self.exchange(hq, bravo)
            try Self.exchange(hq, bravo)
            for level in bravo.identity.readableLevels {
                let a = try #require(hq.records.keyring().current(level: level)).0
                let b = try #require(bravo.records.keyring().current(level: level)).0
                #expect(a == b, "current epoch of \(level)")
                #expect(a.number >= 2)
                // Neither rotated again on seeing the other's epoch.
                let epochs = hq.keys.keysDocument().levels.first { $0.name == level }!.epochs
                #expect(epochs.filter { $0.number == a.number }.count <= 2)
                #expect(!epochs.first { $0.current }!.holders.contains("alpha/laptop"))
            }
            // Writes by either are readable by the other and by no one revoked.
            _ = try hq.records.put(PutRecordRequest(id: "c-1", type: "note", classification: "CONFIDENTIAL", fields: ["by": "hq"]))
            _ = try bravo.records.put(PutRecordRequest(id: "c-2", type: "note", classification: "CONFIDENTIAL", fields: ["by": "bravo"]))
            try Self.exchange(hq, bravo)
            #expect(try bravo.records.document(id: "c-1").fields["by"] == "hq")
            #expect(try hq.records.document(id: "c-2").fields["by"] == "bravo")
            _ = laptop
        }
    }

    @Test func aRevocationIsKeptAcrossRestartsAndAcceptedOnce() throws {
        try withTemporaryDirectory { directory in
            let config = try SiteFixture.config(in: directory, device: "alpha/hq")
            let revocation = try Self.revocation(of: "alpha/laptop")
            try SiteFixture.withSite(config) { hq in
                try hq.keys.learn([TestKeys.verifiedCertificate("alpha/laptop")], from: "test")
                #expect(try hq.trust.accept(revocation: revocation, from: "test").learned)
                #expect(try !hq.trust.accept(revocation: revocation, from: "test").learned)
            }
            try SiteFixture.withSite(config) { hq in
                #expect(hq.trust.isWithdrawn(TestKeys.verifiedCertificate("alpha/laptop")))
                #expect(hq.trust.revocationObjects().count == 1)
                let laptop = try #require(hq.trust.deviceDocuments().first { $0.device == "alpha/laptop" })
                #expect(laptop.withdrawn?.reason.contains("lost") == true)
                // Never granted anything again.
                #expect(hq.keys.keysDocument().levels.allSatisfy { level in
                    level.epochs.filter(\.current).allSatisfy { !$0.holders.contains("alpha/laptop") }
                })
                let audit = try hq.audit.auditEntries(after: 0, limit: 1000)
                #expect(audit.filter { $0.kind == "device.revoked" }.count == 1)
            }
        }
    }

    @Test func aRevocationNotSignedByTheDevicesAgencyIsRefused() throws {
        try SiteFixture.withAlphaSite { hq in
            let certificate = TestKeys.verifiedCertificate("alpha/laptop")
            // bravo's root cannot revoke alpha's device.
            #expect(throws: TrustError.self) {
                try Revocation.issue(
                    certificate: certificate, agencyKey: TestKeys.agency("bravo"), charter: TestKeys.charter(),
                    effectiveAt: TestKeys.now, reason: "x")
            }
            // A flipped bit in the signature (the last bytes of the serialized object).
            var bytes = try Self.revocation(of: "alpha/laptop").serialized()
            bytes[bytes.count - 1] ^= 0x01
            let forged = try SignedObject.parse(bytes: bytes, kind: .revocation)
            #expect(SiteFixture.refusal { try hq.trust.accept(revocation: forged, from: "test") } == .invalidRevocation)
            #expect(hq.trust.revocationObjects().isEmpty)
        }
    }

    @Test func aCharterAmendmentRemovingAnAgencyWithdrawsItsDevicesAndRotates() throws {
        try Self.withSites(["alpha/hq", "charlie/hq"]) { sites in
            let (hq, charlie) = (sites[0], sites[1])
            try SiteFixture.mintKeys(sites)
            try Self.meshed(sites)
            let v1 = TestKeys.charter()
            var draft = try Charter.make(
                federationName: v1.federationName, federationID: v1.federationID, version: 2, levels: v1.levels.names,
                agencies: v1.agencies.filter { $0.name.value != "charlie" }, threshold: 2, issuedAt: TestKeys.now - 10)
            draft = try draft.sign(with: TestKeys.agency("alpha")).sign(with: TestKeys.agency("bravo"))
            let outcome = try hq.trust.accept(charter: draft.signed, from: "test")
            #expect(outcome.amended)
            #expect(outcome.withdrawn == ["charlie/hq"])
            #expect(Set(outcome.rotated) == ["UNCLASSIFIED", "RESTRICTED"])
            #expect(hq.trust.charter().version == 2)
            // Status shows the charter held now, not the one the site started with.
            #expect(try hq.status.statusDocument().federation.charterVersion == 2)
            #expect(hq.trust.isWithdrawn(charlie.identity.certificate))
            #expect(try hq.trust.charters(after: 1).count == 1)
            // Applying it again changes nothing.
            #expect(try !hq.trust.accept(charter: draft.signed, from: "test").amended)
        }
    }

    /// After a restart, a device an amendment withdrew is still known (its certificate verified
    /// against the charter that admitted it), so what it wrote before the amendment is still
    /// accepted; and the site restarts with its configured (older) charter, keeping the newer.
    @Test func aDeviceWithdrawnByAnAmendmentStaysKnownAcrossARestart() throws {
        try withTemporaryDirectory { directory in
            let hqConfig = try SiteFixture.config(in: directory, device: "alpha/hq", stateDirectory: "state-hq")
            let charlieConfig = try SiteFixture.config(in: directory, device: "charlie/hq", stateDirectory: "state-charlie")
            let charlie = try SiteFixture.load(charlieConfig)
            defer { try? charlie.database.close() }
            var hq = try SiteFixture.load(hqConfig)
            try Self.meshed([hq, charlie])
            // Written now, before the amendment's issue time (TestKeys.now lies ahead).
            _ = try charlie.records.put(PutRecordRequest(id: "r-c", type: "note", classification: "RESTRICTED", fields: ["v": 1]))
            let v1 = TestKeys.charter()
            var draft = try Charter.make(
                federationName: v1.federationName, federationID: v1.federationID, version: 2, levels: v1.levels.names,
                agencies: v1.agencies.filter { $0.name.value != "charlie" }, threshold: 2, issuedAt: TestKeys.now - 10)
            draft = try draft.sign(with: TestKeys.agency("alpha")).sign(with: TestKeys.agency("bravo"))
            #expect(try hq.trust.accept(charter: draft.signed, from: "test").withdrawn == ["charlie/hq"])
            try hq.database.close()

            hq = try SiteFixture.load(hqConfig)
            defer { try? hq.database.close() }
            #expect(hq.trust.charter().version == 2)
            let known = try #require(hq.trust.deviceDocuments().first { $0.device == "charlie/hq" })
            #expect(known.withdrawn?.reason.hasPrefix("charter version 2") == true)
            let report = try hq.ingest.ingest(SiteIngestTests.envelopes(charlie, levels: ["RESTRICTED"]), from: SiteIngestTests.source(charlie))
            #expect(report.refusals["unknown_author"] == nil, "\(report.refusals)")
            #expect(try hq.records.document(id: "r-c").fields["v"] == 1)
        }
    }
}
