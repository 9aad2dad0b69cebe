import CairnControl
import CairnModel
import CairnProtocol
import CairnStore
import CairnTestSupport
import Foundation
import Testing

@testable import CairnDaemon

/// Peers' signed copies of a site's audit head: kept (newest only, written to the store at a
/// bounded rate), refused when forged or another device's, and, sent back to a site that lost
/// both its log's tail and its anchor, shown there as a chain break.
@Suite(.timeLimit(.minutes(2)))
struct AuditWitnessTests {
    static let bravo = TestKeys.verifiedCertificate("bravo/hq")

    private func head(_ seq: UInt64, by ref: String, hash: UInt8 = 7) throws -> AuditHead {
        try AuditHead.sign(seq: seq, hash: [UInt8](repeating: hash, count: 32), signedAt: 1, keys: TestKeys.device(ref))
    }

    @Test func aSiteThatLostTailAndAnchorLearnsItsGapFromAPeer() throws {
        try withTemporaryDirectory { directory in
            let config = try SiteFixture.config(in: directory)
            try SiteFixture.withSite(config) { site in
                _ = try site.records.put(PutRecordRequest(id: "a", type: "memo", classification: "SECRET"))
            }
            let backup = directory + "/backup"
            try FileManager.default.copyItem(atPath: config.stateDirectory, toPath: backup)
            // Later writes, whose signed head a peer received.
            let witnessed = try SiteFixture.withSite(config) { site in
                for n in 0..<3 { _ = try site.records.put(PutRecordRequest(id: "b\(n)", type: "memo", classification: "SECRET")) }
                return try #require(site.kernel.auditAnchor.latest)
            }
            // Table and anchor restored together from the older copy: consistent with each other.
            try FileManager.default.removeItem(atPath: config.stateDirectory)
            try FileManager.default.moveItem(atPath: backup, toPath: config.stateDirectory)
            try SiteFixture.withSite(config) { site in
                #expect(try site.audit.verifyDocument().ok, "the restored copy is consistent on its own")
                try site.audit.receiveAuditHeads(own: nil, yours: witnessed, from: Self.bravo)
                let verdict = try site.audit.verifyDocument()
                #expect(!verdict.ok)
                let found = try #require(verdict.breaks.first)
                #expect(verdict.breaks.count == 1)
                #expect(found.source == "peer:bravo/hq" && found.expectedSeq == Int64(witnessed.seq))
                #expect(found.seq == Int64(witnessed.seq) + 1)
                #expect(try site.status.statusDocument().audit?.unacknowledgedBreaks.count == 1)
                // The same copy again (the next connection): already accounted for.
                try site.audit.receiveAuditHeads(own: nil, yours: witnessed, from: Self.bravo)
                #expect(try site.audit.verifyDocument().breaks.count == 1)
                // A copy the log does hold is no break.
                let current = try #require(site.kernel.auditAnchor.latest)
                try site.audit.receiveAuditHeads(own: nil, yours: current, from: Self.bravo)
                #expect(try site.audit.verifyDocument().breaks.count == 1)
                #expect(try site.status.statusDocument().audit?.witnessedBy.map(\.peer) == ["bravo/hq"])
            }
        }
    }

    @Test func forgedHeadsAndOtherDevicesHeadsAreRefused() throws {
        try SiteFixture.withAlphaSite { site in
            let alpha = site.identity.deviceID
            // Charlie's genuine head passed off as bravo's own.
            #expect(throws: AuditService.AuditHeadRefusal.self) {
                try site.audit.receiveAuditHeads(own: try head(5, by: "charlie/hq"), yours: nil, from: Self.bravo)
            }
            // Bravo's head with a signature that does not verify.
            let genuine = try head(5, by: "bravo/hq")
            let tampered = try AuditHead(device: genuine.device, seq: 6, hash: genuine.hash, signedAt: genuine.signedAt, signature: genuine.signature)
            #expect(throws: AuditService.AuditHeadRefusal.self) { try site.audit.receiveAuditHeads(own: tampered, yours: nil, from: Self.bravo) }
            // "Yours" that bravo signed itself, or that names another device.
            #expect(throws: AuditService.AuditHeadRefusal.self) { try site.audit.receiveAuditHeads(own: nil, yours: genuine, from: Self.bravo) }
            let relabelled = try AuditHead(device: alpha, seq: 900, hash: genuine.hash, signedAt: 1, signature: genuine.signature)
            #expect(throws: AuditService.AuditHeadRefusal.self) { try site.audit.receiveAuditHeads(own: nil, yours: relabelled, from: Self.bravo) }
            // Nothing of it was kept, and no break was recorded.
            #expect(site.kernel.auditWitnesses.head(of: Self.bravo.deviceID) == nil)
            #expect(try site.database.witnessedAuditHeads().isEmpty)
            #expect(try site.audit.verifyDocument().ok)
        }
    }

    @Test func aPeersHeadIsKeptNewestFirstAndStoredAtABoundedRate() throws {
        try withTemporaryDirectory { directory in
            let config = try SiteFixture.config(in: directory)
            try SiteFixture.withSite(config) { site in
                try site.audit.receiveAuditHeads(own: try head(10, by: "bravo/hq"), yours: nil, from: Self.bravo)
                #expect(try site.database.witnessedAuditHeads().map(\.seq) == [10])
                // Within the interval: kept in memory, not written.
                try site.audit.receiveAuditHeads(own: try head(12, by: "bravo/hq"), yours: nil, from: Self.bravo)
                #expect(site.kernel.auditWitnesses.head(of: Self.bravo.deviceID)?.seq == 12)
                #expect(try site.database.witnessedAuditHeads().map(\.seq) == [10])
                // An older head does not replace a newer one.
                try site.audit.receiveAuditHeads(own: try head(3, by: "bravo/hq"), yours: nil, from: Self.bravo)
                #expect(site.kernel.auditWitnesses.head(of: Self.bravo.deviceID)?.seq == 12)
                // The link closes: what is held is written.
                site.audit.flushWitnessed(Self.bravo.deviceID)
                #expect(try site.database.witnessedAuditHeads().map(\.seq) == [12])
            }
            // Loaded again at the next start, and sent back to bravo.
            try SiteFixture.withSite(config) { site in
                #expect(site.audit.auditHeads(for: Self.bravo).yours?.seq == 12)
            }
        }
    }

    @Test func theOwnHeadGoesOnlyToPeersClearedAtLeastAsHigh() throws {
        try SiteFixture.withAlphaSite { site in
            // alpha/hq is SECRET: its head counts SECRET writes too.
            #expect(site.audit.auditHeads(for: Self.bravo).own == nil)
            #expect(site.audit.auditHeads(for: TestKeys.verifiedCertificate("alpha/laptop")).own != nil)
        }
    }
}
