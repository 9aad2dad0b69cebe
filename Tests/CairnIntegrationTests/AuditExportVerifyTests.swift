import CairnControl
import Foundation
import Testing

extension IntegrationSuite {
    /// `cairn audit verify FILE` checks an export offline (issue 17, point 10): an intact export
    /// passes without any daemon, and an edited, shortened or re-signed one fails, naming why.
    @Suite struct AuditExportVerifyTests {
        @Test func anExportIsCheckedOfflineAndTamperingIsFound() throws {
            let site = try SiteDirectory()
            defer { site.remove() }
            let daemon = try DaemonProcess(site: site)
            for n in 0..<4 {
                _ = try daemon.client.putRecord(PutRecordRequest(id: "a\(n)", type: "note", classification: "SECRET", fields: ["n": .int(Int64(n))]))
            }
            let file = site.path + "/audit.json"
            let exported = try ProcessRunner.run(Binaries.cairn, ["audit", "export", "--socket", site.socket, "--out", file])
            #expect(exported.status == 0, "\(exported.stderr)")
            _ = try daemon.stop()

            // No daemon from here on.
            let intact = try ProcessRunner.run(Binaries.cairn, ["audit", "verify", file])
            #expect(intact.status == 0 && intact.stdout.hasPrefix("export intact: "), "\(intact.stdout)\(intact.stderr)")

            let original = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: file))) as! [String: Any]
            func tampered(_ name: String, _ change: (inout [String: Any]) -> Void) throws -> ProcessResult {
                var copy = original
                change(&copy)
                let path = site.path + "/\(name).json"
                try JSONSerialization.data(withJSONObject: copy).write(to: URL(fileURLWithPath: path))
                return try ProcessRunner.run(Binaries.cairn, ["audit", "verify", path])
            }
            let edited = try tampered("edited") { copy in
                var entries = copy["entries"] as! [[String: Any]]
                entries[2]["actor"] = "uid:4242"
                copy["entries"] = entries
            }
            #expect(edited.status == 1 && edited.stdout.contains("entry 3: its content does not match its hash"), "\(edited.stdout)")
            let shortened = try tampered("shortened") { copy in
                var entries = copy["entries"] as! [[String: Any]]
                entries.remove(at: 1)
                copy["entries"] = entries
            }
            #expect(shortened.status == 1 && shortened.stdout.contains("missing"), "\(shortened.stdout)")
            let resigned = try tampered("resigned") { copy in
                var head = copy["head"] as! [String: Any]
                head["signature"] = String(repeating: "0", count: 128)
                copy["head"] = head
            }
            #expect(resigned.status == 1 && resigned.stdout.contains("signature does not verify"), "\(resigned.stdout)")
            let notAnExport = try ProcessRunner.run(Binaries.cairn, ["audit", "verify", site.config])
            #expect(notAnExport.status != 0 && notAnExport.stderr.contains("not an audit export"), "\(notAnExport.stderr)")
        }
    }
}
