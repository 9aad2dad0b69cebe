import CairnControl
import CairnModel
import CairnProtocol
import CairnStore
import CairnTestSupport
import Foundation
import Testing

@testable import CairnDaemon

/// The anchored audit head: a log whose tail is cut (store closed or open) shows a chain break,
/// writes go on, the chain continues from the entry found last, and the break fails `verify`
/// and shows in `status` until it is acknowledged, across restarts.
@Suite(.timeLimit(.minutes(2)))
struct AuditAnchorTests {
    /// A stopped site with a few writes; returns its configuration and the last entry's seq.
    private func siteWithHistory(in directory: String) throws -> (DaemonConfig, Int64) {
        let config = try SiteFixture.config(in: directory)
        let head = try SiteFixture.withSite(config) { site in
            for n in 0..<3 { _ = try site.records.put(PutRecordRequest(id: "r\(n)", type: "memo", classification: "SECRET", fields: ["n": .int(Int64(n))])) }
            return try #require(site.ledger.read { $0.auditHead }).seq
        }
        return (config, head)
    }

    private func database(_ config: DaemonConfig) -> String { config.stateDirectory + "/cairn.sqlite" }

    @Test func aTailCutWhileStoppedIsABreakAndTheLogGoesOn() throws {
        try withTemporaryDirectory { directory in
            let (config, head) = try siteWithHistory(in: directory)
            _ = try sqlite(database(config), "DELETE FROM audit WHERE seq > \(head - 2)")
            try SiteFixture.withSite(config) { site in
                let verdict = try site.audit.verifyDocument()
                #expect(!verdict.ok)
                #expect(verdict.brokenAt == nil, "the chain itself verifies: \(verdict.problem ?? "")")
                let found = try #require(verdict.breaks.first)
                #expect(verdict.breaks.count == 1)
                #expect(found.source == "anchor" && found.expectedSeq == head && found.foundSeq == head - 2 && !found.acknowledged)
                #expect(found.seq == head + 1, "the break entry skips the numbers of the lost tail")
                let status = try site.status.statusDocument()
                #expect(status.audit?.unacknowledgedBreaks.map(\.seq) == [found.seq])
                #expect(status.store.problems.contains { $0.contains("unacknowledged chain break") }, "\(status.store.problems)")
                #expect(String(decoding: try site.status.metricsExposition(), as: UTF8.self).contains("cairn_audit_chain_breaks 1.0\n"))
                // Writes keep working, chained after the break.
                _ = try site.records.put(PutRecordRequest(id: "after", type: "memo", classification: "SECRET"))
                let entries = try site.database.auditEntries(after: head - 3, limit: 100)
                let breakEntry = try #require(entries.first { $0.kind == "audit.chain_break" })
                #expect(breakEntry.previous == entries.first { $0.seq == head - 2 }?.hash)
                #expect(entries.last?.kind == "record.put")
            }
            // Unacknowledged, it survives a restart (and is not recorded twice).
            try SiteFixture.withSite(config) { site in
                let verdict = try site.audit.verifyDocument()
                #expect(!verdict.ok && verdict.breaks.count == 1 && verdict.breaks[0].source == "anchor")
                let (found, breaks) = try site.audit.acknowledgeAuditBreak(verdict.breaks[0].seq, actor: "uid:1000")
                let acknowledged = DocumentMapping.document(found, in: breaks)
                #expect(acknowledged.acknowledged && acknowledged.acknowledgedBy == "uid:1000")
                #expect(try site.audit.verifyDocument().ok)
                #expect(try site.status.statusDocument().store.problems.isEmpty)
                #expect(String(decoding: try site.status.metricsExposition(), as: UTF8.self).contains("cairn_audit_chain_breaks 0.0\n"))
                #expect(throws: SiteError.self) { try site.audit.acknowledgeAuditBreak(verdict.breaks[0].seq, actor: "uid:1000") }
                #expect(throws: SiteError.self) { try site.audit.acknowledgeAuditBreak(2, actor: "uid:1000") }
            }
            try SiteFixture.withSite(config) { site in
                let verdict = try site.audit.verifyDocument()
                #expect(verdict.ok, "\(verdict.problems)")
                #expect(verdict.breaks.count == 1 && verdict.breaks[0].acknowledged)
            }
        }
    }

    @Test func aTailCutWhileRunningDoesNotStopWrites() throws {
        try withTemporaryDirectory { directory in
            let config = try SiteFixture.config(in: directory)
            try SiteFixture.withSite(config) { site in
                _ = try site.records.put(PutRecordRequest(id: "a", type: "memo", classification: "SECRET"))
                let head = try #require(site.ledger.read { $0.auditHead }).seq
                _ = try sqlite(database(config), "DELETE FROM audit WHERE seq > \(head - 2)")
                // Before this change every write failed here ("does not continue the chain").
                _ = try site.records.put(PutRecordRequest(id: "b", type: "memo", classification: "SECRET"))
                let verdict = try site.audit.verifyDocument()
                #expect(!verdict.ok && verdict.brokenAt == nil)
                let found = try #require(verdict.breaks.first)
                #expect(found.source == "daemon" && found.expectedSeq == head && found.foundSeq == head - 2)
                let last = try #require(site.database.auditEntries(after: head, limit: 10).last)
                #expect(last.kind == "record.put" && last.seq == head + 2)
            }
            // The anchor moved with the log: the next start finds the tail intact.
            try SiteFixture.withSite(config) { site in
                let verdict = try site.audit.verifyDocument()
                #expect(verdict.breaks.count == 1)
            }
        }
    }

    @Test func aCutIsShownBeforeTheNextWrite() throws {
        try SiteFixture.withAlphaSite { site in
            let head = try #require(site.ledger.read { $0.auditHead }).seq
            _ = try sqlite(site.database.path, "DELETE FROM audit WHERE seq = \(head)")
            let status = try site.status.statusDocument()
            #expect(status.audit?.unacknowledgedBreaks.first?.expectedSeq == head, "\(String(describing: status.audit))")
        }
    }

    @Test func aMissingAnchorIsABreakOnlyOnceTheStoreHadOne() throws {
        try withTemporaryDirectory { directory in
            let (config, _) = try siteWithHistory(in: directory)
            let anchor = config.stateDirectory + "/" + AuditAnchor.fileName
            // A store from before anchors (no anchor, no mark): no break, an anchor is made.
            try FileManager.default.removeItem(atPath: anchor)
            _ = try sqlite(database(config), "DELETE FROM meta WHERE key = '\(AuditAnchor.writtenMetaKey)'")
            try SiteFixture.withSite(config) { site in
                let verdict = try site.audit.verifyDocument()
                #expect(verdict.ok)
                #expect(FileManager.default.fileExists(atPath: anchor))
            }
            // The anchor removed afterwards: a break, with the expected head unknown.
            try FileManager.default.removeItem(atPath: anchor)
            try SiteFixture.withSite(config) { site in
                let found = try #require(try site.audit.verifyDocument().breaks.first)
                #expect(found.source == "anchor" && found.expectedSeq == nil && found.reason.contains("missing"))
            }
            // An anchor signed by another device, or garbage, is no anchor either.
            let forged = try AuditHead.sign(seq: 1, hash: [UInt8](repeating: 1, count: 32), signedAt: 0, keys: TestKeys.device("bravo/hq"))
            try Data(AuditAnchorFile.slot(forged) + AuditAnchorFile.slot(forged)).write(to: URL(fileURLWithPath: anchor))
            try SiteFixture.withSite(config) { site in
                let verdict = try site.audit.verifyDocument()
                #expect(verdict.breaks.last?.reason.contains("no slot holds a head signed by this device") == true)
            }
            try Data("garbage".utf8).write(to: URL(fileURLWithPath: anchor))
            try SiteFixture.withSite(config) { site in
                let verdict = try site.audit.verifyDocument()
                #expect(verdict.breaks.last?.reason.contains("unreadable") == true)
                #expect(verdict.breaks.count == 3)
            }
        }
    }

    @Test func anAnchorRemovedWhileRunningIsWrittenAgainByTheNextWrite() throws {
        try withTemporaryDirectory { directory in
            let config = try SiteFixture.config(in: directory)
            let anchor = config.stateDirectory + "/" + AuditAnchor.fileName
            try SiteFixture.withSite(config) { site in
                try FileManager.default.removeItem(atPath: anchor)
                _ = try site.records.put(PutRecordRequest(id: "a", type: "memo", classification: "SECRET"))
                // The anchor is written after the writer has its answer; the next group starts
                // only once the last one's participants are done.
                try site.ledger.submitAndWait { _ in () }
                guard case .head(let head) = site.kernel.auditAnchor.read() else {
                    Issue.record("the anchor was not written again")
                    return
                }
                #expect(Int64(head.seq) == site.ledger.read { $0.auditHead?.seq })
            }
            try SiteFixture.withSite(config) { site in
                let verdict = try site.audit.verifyDocument()
                #expect(verdict.ok && verdict.breaks.isEmpty, "\(verdict.problems)")
            }
        }
    }

    @Test func anAcknowledgementNotSignedByTheDeviceAcknowledgesNothing() throws {
        try withTemporaryDirectory { directory in
            let (config, head) = try siteWithHistory(in: directory)
            _ = try sqlite(database(config), "DELETE FROM audit WHERE seq = \(head)")
            try SiteFixture.withSite(config) { site in
                let found = try #require(try site.audit.verifyDocument().breaks.first)
                // What someone with write access to the store, but not the device key, can add.
                let last = try #require(try site.database.auditHead())
                let breakEntry = try #require(try site.database.auditEntry(seq: found.seq))
                let forged = AuditChain.next(
                    after: last, at: 1, kind: AuditRow.acknowledgementKind, actor: "uid:0",
                    detail: AuditChain.detail(["break": "\(found.seq)", "breakHash": Hex.encode(breakEntry.hash), "signature": String(repeating: "00", count: 64)]))
                try site.database.appendAudit([forged])
            }
            try SiteFixture.withSite(config) { site in
                let verdict = try site.audit.verifyDocument()
                #expect(!verdict.ok)
                #expect(verdict.breaks.first?.acknowledged == false)
                #expect(verdict.problems.contains { $0.contains("not signed by this device") }, "\(verdict.problems)")
                #expect(site.storeCheck.problems.contains { $0.contains("not signed by this device") })
            }
        }
    }
}
