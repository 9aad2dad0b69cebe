import CairnControl
import CairnCrypto
import CairnModel
import CairnProtocol
import CairnTestSupport
import CairnTrust
import Foundation
import Testing

extension IntegrationSuite {
    /// Air-gap bundles between two real daemons that are never peered: the round trip carries
    /// exactly what the recipient is cleared for and lacks, a dry run stores nothing, and every
    /// bad bundle (replayed, altered, truncated, for another device, of another federation) is
    /// refused with nothing stored.
    @Suite(.timeLimit(.minutes(1)))
    struct BundleRoundTripTests {
        let directory = "/tmp/cairn-bundle-" + String(UUID().uuidString.prefix(8)).lowercased()

        private func cairn(_ member: Federation.Member, _ arguments: [String]) throws -> ProcessResult {
            try ProcessRunner.run(Binaries.cairn, ["bundle"] + arguments + ["--socket", member.site.socket])
        }

        private func json<T: Decodable>(_ type: T.Type, _ result: ProcessResult) throws -> T {
            guard result.status == 0 else { throw TestFailure("cairn failed (\(result.status)): \(result.stderr)") }
            return try ControlJSON.decoder().decode(T.self, from: Data(result.stdout.utf8))
        }

        /// (author hex, level, sequence) of every delta a site stores.
        private func deltas(_ member: Federation.Member) throws -> Set<String> {
            let result = try ProcessRunner.run(
                "/usr/bin/sqlite3", [member.site.state + "/cairn.sqlite", "SELECT lower(hex(author)), level, sequence FROM delta;"])
            guard result.status == 0 else { throw TestFailure("sqlite3: \(result.stderr)") }
            return Set(result.stdout.split(separator: "\n").map(String.init))
        }

        private func refusalCode(_ body: () throws -> Any) -> String? {
            do {
                _ = try body()
                return nil
            } catch let ControlClientError.refused(_, code, _) {
                return code
            } catch {
                return "\(error)"
            }
        }

        @Test func aRoundTripWithoutAConnectionCarriesExactlyWhatTheRecipientMayHold() throws {
            try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
            defer { try? FileManager.default.removeItem(atPath: directory) }
            var options = Federation.Options()
            options.meshed = false
            let federation = try Federation(devices: ["alpha/hq", "bravo/hq"], options: options)
            defer { federation.shutdown() }
            let alpha = federation.member("alpha/hq")
            let bravo = federation.member("bravo/hq")
            for (n, level) in Federation.levels.enumerated() {
                for copy in 0..<2 {
                    _ = try alpha.client.putRecord(
                        PutRecordRequest(id: "a-\(n)-\(copy)", type: "report", classification: level, fields: ["n": .int(Int64(n))]))
                }
            }
            _ = try bravo.client.putRecord(PutRecordRequest(id: "b-0", type: "note", classification: "UNCLASSIFIED", fields: [:]))
            let alphaID = try alpha.client.status().device.id

            // alpha has never met bravo: it needs bravo's vector file.
            #expect(refusalCode { try alpha.client.exportBundle(BundleExportRequest(recipient: "bravo/hq")) } == "device_not_found")
            let vector = directory + "/bravo.vector"
            #expect(try cairn(bravo, ["vector", "--out", vector]).status == 0)
            let bundle = directory + "/to-bravo.cairn"
            let exported = try json(
                BundleExportDocument.self, try cairn(alpha, ["export", "--for", "bravo/hq", "--since", vector, "--out", bundle, "--json"]))
            #expect(exported.vector == "file" && exported.complete)
            #expect(exported.levels == ["UNCLASSIFIED", "RESTRICTED", "CONFIDENTIAL"], "levels \(exported.levels)")
            // The file never overwrites one.
            #expect(try cairn(alpha, ["export", "--for", "bravo/hq", "--out", bundle]).status == 1)

            // On a terminal (script(1) gives it a pty) the export shows its progress, and the
            // bundle that arrived in chunk lines carries the same deltas.
            let onTerminal = directory + "/to-bravo-tty.cairn"
            let command = [Binaries.cairn, "bundle", "export", "--for", "bravo/hq", "--since", vector, "--out", onTerminal,
                "--socket", alpha.site.socket].map(SyncFirstSyncTests.quoted).joined(separator: " ")
            let shown = try ProcessRunner.run("/usr/bin/script", ["-qec", command, "/dev/null"])
            #expect(shown.status == 0, "\(shown.stdout)")
            #expect(shown.stdout.contains("reading ") && shown.stdout.contains("receiving "), "no progress: \(shown.stdout)")
            #expect(shown.stdout.contains("wrote bundle"))
            let ttyDry = try json(BundleImportDocument.self, try cairn(bravo, ["import", onTerminal, "--dry-run", "--json"]))
            #expect(ttyDry.deltas == exported.deltas && ttyDry.sender == "alpha/hq")

            // Dry run, altered and truncated copies, and a copy imported at the sender: nothing stored.
            let before = try deltas(bravo)
            let auditBefore = try bravo.client.auditEntries().count
            let dry = try json(BundleImportDocument.self, try cairn(bravo, ["import", bundle, "--dry-run", "--json"]))
            #expect(dry.dryRun && dry.new == exported.deltas && dry.stored == 0 && dry.sender == "alpha/hq")
            #expect(try deltas(bravo) == before)
            #expect(try bravo.client.auditEntries().count == auditBefore, "a dry run wrote to the audit log")
            let bytes = try Data(contentsOf: URL(fileURLWithPath: bundle))
            var altered = bytes
            altered[altered.count / 2] ^= 0x20
            #expect(refusalCode { try bravo.client.importBundle(altered, dryRun: false) } == "bundle_invalid")
            #expect(refusalCode { try bravo.client.importBundle(bytes.dropLast(100), dryRun: false) } == "bundle_invalid")
            #expect(refusalCode { try alpha.client.importBundle(bytes, dryRun: false) } == "bundle_not_for_us")
            #expect(try deltas(bravo) == before)

            // The import: bravo then holds exactly alpha's deltas at the levels it is cleared for.
            let imported = try json(BundleImportDocument.self, try cairn(bravo, ["import", bundle, "--json"]))
            #expect(!imported.dryRun && imported.stored == exported.deltas && imported.refused == 0)
            let alphaHeld = try deltas(alpha).filter { $0.hasPrefix(alphaID) }
            let cleared = alphaHeld.filter { !$0.contains("|SECRET|") }
            #expect(try deltas(bravo).filter { $0.hasPrefix(alphaID) } == cleared)
            let bravoHeld = try deltas(bravo)
            #expect(cleared.count < alphaHeld.count && !bravoHeld.contains { $0.contains("|SECRET|") })
            // Readable: the grants of alpha's keys travelled as deltas of alpha's streams.
            let confidential = try bravo.client.listRecords(class: "CONFIDENTIAL").map(\.id)
            #expect(confidential.contains("a-2-0") && confidential.contains("a-2-1"), "bravo reads \(confidential)")

            // A second import is refused and stores nothing.
            let after = try deltas(bravo)
            let again = try cairn(bravo, ["import", bundle])
            #expect(again.status == 1 && again.stderr.contains("already imported"), "\(again.stderr)")
            #expect(refusalCode { try bravo.client.importBundle(bytes, dryRun: false) } == "bundle_already_imported")
            #expect(try deltas(bravo) == after)

            // --since with a fresh vector carries only what bravo lacks: one new delta.
            _ = try alpha.client.putRecord(PutRecordRequest(id: "a-new", type: "report", classification: "RESTRICTED", fields: [:]))
            _ = try alpha.client.putRecord(PutRecordRequest(id: "a-secret", type: "report", classification: "SECRET", fields: [:]))
            let vector2 = directory + "/bravo-2.vector"
            #expect(try cairn(bravo, ["vector", "--out", vector2]).status == 0)
            let second = directory + "/to-bravo-2.cairn"
            let incremental = try json(
                BundleExportDocument.self, try cairn(alpha, ["export", "--for", "bravo/hq", "--since", vector2, "--out", second, "--json"]))
            #expect(incremental.deltas == 1 && incremental.levels == ["RESTRICTED"], "\(incremental)")
            // The progress stream (what a terminal shows) ends with the same result.
            var events: [BundleProgressEvent] = []
            let streamed = try bravo.client.importBundle(
                try Data(contentsOf: URL(fileURLWithPath: second)), dryRun: true) { events.append($0) }
            #expect(streamed.dryRun && streamed.new == 1)
            #expect(events.contains { $0.phase == "verify" && $0.done == 1 && $0.total == 1 }, "progress: \(events)")
            let imported2 = try json(BundleImportDocument.self, try cairn(bravo, ["import", second, "--json"]))
            #expect(imported2.stored == 1)
            #expect(try bravo.client.getRecord(id: "a-new").classification == "RESTRICTED")

            // Another federation's bundle, even one sealed for bravo by a key it knows, is refused.
            let bravoCertificate = TestKeys.verifiedCertificate("bravo/hq")
            let foreign = try BundleWriter.write(
                BundleContents(), federationID: SecureRandom.bytes(16),
                senderCertificate: TestKeys.certificate("alpha/hq").serialized(), signer: TestKeys.device("alpha/hq").signing,
                recipient: bravoCertificate.deviceID, recipientWrappingKey: bravoCertificate.wrappingKey, levels: [],
                createdAt: Int64(Date().timeIntervalSince1970))
            #expect(refusalCode { try bravo.client.importBundle(Data(foreign), dryRun: false) } == "bundle_foreign_federation")

            // Everything is in the audit logs, refusals with their reason.
            let alphaAudit = try alpha.client.auditEntries().map(\.kind)
            // Three exports in this test, one of them on a terminal.
            #expect(alphaAudit.filter { $0 == "bundle.exported" }.count == 3)
            let bravoAudit = try bravo.client.auditEntries()
            #expect(bravoAudit.filter { $0.kind == "bundle.imported" }.count == 2)
            let reasons = bravoAudit.filter { $0.kind == "bundle.refused" }.map(\.detail)
            for reason in ["bundle_invalid", "bundle_already_imported", "bundle_foreign_federation"] {
                #expect(reasons.contains { $0.contains(reason) }, "no refusal audited as \(reason): \(reasons)")
            }
        }
    }
}
