import CairnControl
import CairnCrypto
import Foundation
import Testing

extension IntegrationSuite {
    /// The audit log of a real daemon: what it records, that `cairn audit verify` catches each kind
    /// of tampering, and that an export can be checked from outside.
    @Suite(.serialized)
    struct AuditTests {
        private func cairn(_ site: SiteDirectory, _ arguments: [String]) throws -> ProcessResult {
            try ProcessRunner.run(Binaries.cairn, arguments + ["--socket", site.socket])
        }

        private func sqlite(_ site: SiteDirectory, _ sql: String) throws {
            let result = try ProcessRunner.run("/usr/bin/sqlite3", [site.state + "/cairn.sqlite", sql])
            #expect(result.status == 0, "sqlite3: \(result.stderr)")
        }

        /// A site with a few writes, stopped: entry 1 is the start-up, then one entry per write,
        /// each first write of a level preceded by the epoch key it minted (entries 2-9).
        private func siteWithHistory() throws -> SiteDirectory {
            let site = try SiteDirectory()
            let daemon = try DaemonProcess(site: site)
            for (n, level) in ["SECRET", "CONFIDENTIAL", "RESTRICTED", "UNCLASSIFIED"].enumerated() {
                _ = try daemon.client.putRecord(LogCanary.record(LogCanary.word("rec\(n)"), level: level, n: n))
            }
            _ = try daemon.client.deleteRecord(id: LogCanary.word("rec0"))
            try daemon.stop()
            return site
        }

        @Test func recordsStartKeysAndWritesWithTheCaller() throws {
            let site = try siteWithHistory()
            defer { site.remove() }
            let daemon = try DaemonProcess(site: site)
            let entries = try daemon.client.auditEntries()
            let kinds = entries.map(\.kind)
            #expect(Array(kinds.prefix(5)) == ["daemon.started", "keys.epoch_created", "record.put", "keys.epoch_created", "record.put"])
            #expect(kinds.filter { $0 == "keys.epoch_created" }.count == 4)
            #expect(kinds.filter { $0 == "record.put" }.count == 4)
            #expect(kinds.filter { $0 == "record.delete" }.count == 1)
            #expect(kinds.last == "daemon.started")  // the second start
            let put = try #require(entries.first { $0.kind == "record.put" })
            #expect(put.actor == "uid:\(getuid())")
            #expect(put.detail.contains("\"level\":\"SECRET\""))
            #expect(!entries.contains { $0.detail.contains(LogCanary.token) }, "record data must not reach the audit log")
            let verify = try cairn(site, ["audit", "verify"])
            #expect(verify.status == 0)
            #expect(verify.stdout.contains("audit log intact: \(entries.count) entries"))
            try daemon.stop()
        }

        @Test(arguments: [
            ("edited", "UPDATE audit SET detail = '{\"level\":\"UNCLASSIFIED\"}' WHERE seq = 7", 7, "edited"),
            ("removed", "DELETE FROM audit WHERE seq = 7", 7, "removed"),
            ("reordered", "UPDATE audit SET seq = 1000000 WHERE seq = 7; UPDATE audit SET seq = 7 WHERE seq = 8; UPDATE audit SET seq = 8 WHERE seq = 1000000", 7, "edited"),
            ("rechained", "UPDATE audit SET previous = hash WHERE seq = 8", 8, "edited"),
        ])
        func verifyCatchesTampering(_ name: String, _ sql: String, _ brokenAt: Int, _ reason: String) throws {
            let site = try siteWithHistory()
            defer { site.remove() }
            try sqlite(site, sql)
            let daemon = try DaemonProcess(site: site)
            let verify = try cairn(site, ["audit", "verify"])
            #expect(verify.status == 1, "\(name): verify should fail")
            #expect(verify.stdout.contains("entry \(brokenAt)"), "\(name): \(verify.stdout)")
            #expect(verify.stdout.contains(reason), "\(name): \(verify.stdout)")
            #expect(try daemon.client.statusAfterStoreCheck().store.problems.contains { $0.contains("audit log is broken at entry \(brokenAt)") })
            let export = try cairn(site, ["audit", "export"])
            #expect(export.status == 1, "a damaged log must not be signed")
            try daemon.stop()
        }

        @Test func exportIsCheckableFromOutside() throws {
            let site = try siteWithHistory()
            defer { site.remove() }
            let daemon = try DaemonProcess(site: site)
            let export = try daemon.client.exportAudit()
            // Recompute the chain as an outside checker would (Docs/ControlAPI.md).
            var previous = [UInt8](repeating: 0, count: 32)
            for entry in export.entries {
                #expect(entry.previous == hex(previous))
                let hasher = BLAKE2b.Hasher()
                hasher.update(Array("cairn/v1/audit\0".utf8))
                hasher.update(be(UInt64(entry.seq)) + be(UInt64(entry.atMillis)))
                for field in [entry.kind, entry.actor, entry.detail] { hasher.update(be(UInt64(field.utf8.count)) + Array(field.utf8)) }
                hasher.update(previous)
                previous = hasher.finalize()
                #expect(entry.hash == hex(previous), "entry \(entry.seq)")
            }
            #expect(export.head.hash == hex(previous))
            #expect(export.head.seq == Int64(export.entries.count))
            let key = try Ed25519.PublicKey(bytes: unhex(export.device.signingKey))
            let message = Array("cairn/v1/audit-head\0".utf8) + be(UInt64(export.head.seq)) + previous
            #expect(key.isValidSignature(unhex(export.head.signature), for: message))
            #expect(try daemon.client.status().device.id == export.device.signingKey)
            try daemon.stop()
        }

        private func be(_ value: UInt64) -> [UInt8] { withUnsafeBytes(of: value.bigEndian, Array.init) }
        private func hex(_ bytes: [UInt8]) -> String { bytes.map { String(format: "%02x", $0) }.joined() }
        private func unhex(_ text: String) -> [UInt8] {
            var out: [UInt8] = []
            var index = text.startIndex
            while index < text.endIndex {
                let next = text.index(index, offsetBy: 2)
                out.append(UInt8(text[index..<next], radix: 16)!)
                index = next
            }
            return out
        }
    }
}
