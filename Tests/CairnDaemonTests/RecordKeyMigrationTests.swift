import CairnControl
import CairnModel
import CairnStore
import CairnTestSupport
import Foundation
import Testing

@testable import CairnDaemon

/// A store written by release 0.3 (records keyed by id alone; `Keys/stores/alpha-hq-0.3.sqlite`,
/// made by the 0.3 daemon of alpha/hq with: s-1 at SECRET, c-1 at CONFIDENTIAL written twice, r-1
/// reclassified from RESTRICTED to CONFIDENTIAL, x-1 retracted at CONFIDENTIAL, d-1 deleted at
/// UNCLASSIFIED) opens, is re-keyed by id and level once, and reads as it did.
@Suite struct RecordKeyMigrationTests {
    /// `cairn digest --json` of the fixture as 0.3 reported it.
    static let digestBefore = "ac64a668d05f8bda0fde47b5900e0e7d1a30c2f7e8b129215041c6584eb800c0"

    static func withOldStore(_ body: (DaemonConfig) throws -> Void) throws {
        try withTemporaryDirectory { directory in
            let config = try SiteFixture.config(in: directory)
            try FileManager.default.createDirectory(
                atPath: config.stateDirectory, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
            let fixture = TestKeys.path("../stores/alpha-hq-0.3.sqlite")
            try FileManager.default.copyItem(atPath: fixture, toPath: config.stateDirectory + "/cairn.sqlite")
            try FileManager.default.setAttributes([.posixPermissions: 0o600], ofItemAtPath: config.stateDirectory + "/cairn.sqlite")
            try body(config)
        }
    }

    static func code(_ body: () throws -> Void) -> String? {
        do {
            try body()
            return nil
        } catch {
            return controlRefusal(of: error)?.code.rawValue ?? "\(error)"
        }
    }

    @Test func anOldStoreIsRekeyedOnceAndReadsAsBefore() throws {
        try Self.withOldStore { config in
            try SiteFixture.withSite(config) { site in
                #expect(try site.database.meta(RecordKeyMigration.flag) != nil)
                #expect(Hex.encode(try site.status.stateDigest().digest) == Self.digestBefore)
                #expect(try site.records.document(id: "s-1").fields["title"] == "secret one")
                #expect(try site.records.document(id: "c-1").fields["n"] == 2)
                #expect(try site.records.historyEntries(id: "c-1").count == 2)
                let moved = try site.records.document(id: "r-1")
                #expect(moved.classification == "CONFIDENTIAL" && moved.fields["title"] == "moved")
                #expect(try site.records.document(id: "d-1").isDeleted)
                #expect(Self.code { _ = try site.records.document(id: "x-1") } == "record_retracted")
                #expect(Self.code { _ = try site.records.put(PutRecordRequest(id: "x-1", classification: "CONFIDENTIAL")) } == "record_retracted")
                // The withdrawal of r-1 from RESTRICTED moved with it: its id is not reused there.
                #expect(
                    Self.code { _ = try site.records.put(PutRecordRequest(id: "r-1", type: "report", classification: "RESTRICTED")) }
                        == "classification_mismatch")
                // Written after the move, found again after a restart (the flag stops a second pass).
                _ = try site.records.put(PutRecordRequest(id: "c-1", fields: ["n": 3]))
            }
            try SiteFixture.withSite(config) { (site: Site) throws in
                #expect(try site.records.document(id: "c-1").fields["n"] == 3)
                #expect(try site.records.historyEntries(id: "c-1").count == 3)
            }
        }
    }

    @Test func recordsAreKeyedByIDAndLevel() throws {
        try withTemporaryDirectory { directory in
            try SiteFixture.withSite(try SiteFixture.config(in: directory)) { (site: Site) throws in
                let id = try RecordID("same")
                #expect(site.records.rowKey(id, level: "SECRET") != site.records.rowKey(id, level: "CONFIDENTIAL"))
                #expect(site.records.rowKey(id, level: "SECRET") == site.records.recordKeys.key(idKey: site.records.recordKeys.idKey(id), level: "SECRET"))
            }
        }
    }
}
