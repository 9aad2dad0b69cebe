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

/// Bundle import between real sites: deltas refused for a reason that does not blame the sender
/// (a revoked author) are skipped and counted and the rest imported; a forged delta, or a second
/// history of the sender's own stream, still refuses the bundle whole.
@Suite struct BundleImportSkipTests {
    static let common = ["UNCLASSIFIED", "RESTRICTED", "CONFIDENTIAL"]

    /// A bundle from `sender` to `recipient` carrying exactly `deltas` (CONFIDENTIAL).
    static func bundle(_ deltas: [[UInt8]], from sender: Site, to recipient: Site) throws -> [UInt8] {
        let contents = BundleContents(deltas: deltas)
        return try BundleWriter.write(
            contents, federationID: TestKeys.charter().federationID,
            senderCertificate: sender.identity.certificate.signed.serialized(), signer: sender.identity.keys.signing,
            recipient: recipient.identity.deviceID, recipientWrappingKey: recipient.identity.keys.wrapping.publicKey,
            levels: ["CONFIDENTIAL"], createdAt: Int64(Date().timeIntervalSince1970))
    }

    @Test func aRevokedAuthorsDeltasAreSkippedAndTheRestImported() throws {
        try SiteRetroactiveRevocationTests.scenario { hq, laptop, bravo, effective in
            // bravo knows the revocation; hq does not, and exports everything it holds for bravo.
            let revocation = try SiteRevocationTests.revocation(of: "alpha/laptop", effectiveAt: effective)
            #expect(try bravo.trust.accept(revocation: revocation, from: "test").learned)
            _ = try hq.records.put(PutRecordRequest(id: "c-new", type: "note", classification: "CONFIDENTIAL", fields: ["v": 1]))
            let (bundle, exported) = try hq.bundles.exportBundle(BundleExportRequest(recipient: "bravo/hq"), actor: "test")
            #expect(exported.deltas > 4)

            let dry = try bravo.bundles.importBundle(bundle, dryRun: true, actor: "test")
            #expect(dry.skipped == 4 && dry.skippedReasons == ["author_revoked": 4], "\(dry.skippedReasons)")
            let imported = try bravo.bundles.importBundle(bundle, dryRun: false, actor: "test")
            #expect(imported.skipped == 4 && imported.skippedReasons == ["author_revoked": 4])
            #expect(imported.refused == 0, "\(imported.refusals)")
            #expect(imported.stored + imported.duplicate == exported.deltas - 4)
            #expect(try bravo.records.document(id: "c-new").fields["v"] == 1)
            #expect(SiteFixture.refusal { try bravo.records.document(id: "c-thief") } == .recordNotFound)
            #expect(try bravo.records.document(id: "c-shared").fields["v"] == "hq")
            _ = laptop
        }
    }

    @Test func aForgedDeltaStillRefusesTheWholeBundle() throws {
        try SiteRevocationTests.withSites(["alpha/hq", "bravo/hq"]) { sites in
            let (hq, bravo) = (sites[0], sites[1])
            try SiteFixture.mintKeys(sites)
            try SiteRevocationTests.meshed(sites)
            for n in 0..<3 {
                _ = try hq.records.put(PutRecordRequest(id: "c-\(n)", type: "note", classification: "CONFIDENTIAL", fields: ["n": .int(Int64(n))]))
            }
            var deltas = try SiteIngestTests.envelopes(hq, levels: ["CONFIDENTIAL"]).filter { !bravo.database.deltaCountIsHeld($0) }
            #expect(deltas.count >= 3)
            let before = try bravo.database.deltaCount()
            // A body changed after signing: its signature no longer verifies.
            let original = try SealedDelta.parse(deltas[1])
            var body = original.body
            body[body.count / 2] ^= 0x01
            deltas[1] = HandMadeEnvelope.encode(header: original.headerBytes, body: body, signature: original.signature)
            let forged = try Self.bundle(deltas, from: hq, to: bravo)
            let refusal = SiteFixture.refusal { try bravo.bundles.importBundle(forged, dryRun: false, actor: "test") }
            #expect(refusal == .bundleInvalid)
            #expect(try bravo.database.deltaCount() == before)

            // A second history of the sender's own stream (signed by it) is refused whole too.
            let (epoch, key) = try #require(hq.records.keyring().current(level: "CONFIDENTIAL"))
            let head = try #require(try bravo.database.streamHeads().first { $0.author == hq.identity.deviceID.bytes && $0.level == "CONFIDENTIAL" })
            let fork = try SealedDelta.seal(
                change: Change(
                    author: hq.identity.deviceID, level: "CONFIDENTIAL",
                    hlc: HLCTimestamp(wallMillis: UInt64(Date().timeIntervalSince1970 * 1000), counter: 0),
                    operations: [.setType(record: try RecordID("c-fork"), type: "note")]),
                sequence: head.sequence + 1, previous: [UInt8](repeating: 7, count: 32), epoch: epoch, key: key,
                signer: hq.identity.keys.signing)
            let twoHistories = try Self.bundle([fork.envelope], from: hq, to: bravo)
            let second = SiteFixture.refusal { try bravo.bundles.importBundle(twoHistories, dryRun: true, actor: "test") }
            #expect(second == .bundleInvalid)
            #expect(try bravo.database.deltaCount() == before)
        }
    }
}

extension CairnDatabase {
    /// Whether the delta of `envelope` is stored here already.
    fileprivate func deltaCountIsHeld(_ envelope: [UInt8]) -> Bool {
        guard let delta = try? SealedDelta.parse(envelope) else { return false }
        return (try? self.delta(id: delta.id)) != nil
    }
}
