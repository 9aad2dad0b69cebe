import Foundation
import Testing

@testable import CairnDaemon

/// The metric catalogue is the one list of families: what the daemon's code counts, what
/// Docs/ControlAPI.md documents and what the exposition describes (`# HELP`, `# TYPE`).
@Suite struct MetricCatalogueTests {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    static func names(in text: String) -> Set<String> {
        let pattern = try! NSRegularExpression(pattern: "cairn_[a-z_]+[a-z]")
        return Set(pattern.matches(in: text, range: NSRange(text.startIndex..., in: text)).map { String(text[Range($0.range, in: text)!]) })
    }

    @Test func everyMetricTheDaemonNamesIsInTheCatalogue() throws {
        let sources = Self.root.appendingPathComponent("Sources/CairnDaemon")
        var named: Set<String> = []
        let files = FileManager.default.enumerator(at: sources, includingPropertiesForKeys: nil)!
        for case let file as URL in files where file.pathExtension == "swift" && file.lastPathComponent != "MetricCatalogue.swift" {
            let text = try String(contentsOf: file, encoding: .utf8)
            // String literals only: "cairn_…".
            for name in Self.names(in: text) where text.contains("\"\(name)\"") { named.insert(name) }
        }
        #expect(named.count > 40)
        let missing = named.subtracting(MetricCatalogue.byName.keys)
        #expect(missing.isEmpty, "not in MetricCatalogue: \(missing.sorted())")
    }

    @Test func theCatalogueIsWhatControlAPIDocuments() throws {
        let doc = try String(contentsOf: Self.root.appendingPathComponent("Docs/ControlAPI.md"), encoding: .utf8)
        let section = doc.components(separatedBy: "## Metrics")[1].components(separatedBy: "\n## ")[0]
        let table = section.split(separator: "\n").filter { $0.hasPrefix("| `cairn_") }.joined(separator: "\n")
        let documented = Self.names(in: table)
        let catalogued = Set(MetricCatalogue.byName.keys)
        #expect(documented.subtracting(catalogued).isEmpty, "documented, not catalogued: \(documented.subtracting(catalogued).sorted())")
        #expect(catalogued.subtracting(documented).isEmpty, "catalogued, not documented: \(catalogued.subtracting(documented).sorted())")
    }

    @Test func aFreshSiteHasTheClosedLabelSetsAtZeroWithHelpAndType() {
        let metrics = SiteMetrics()
        metrics.start(levels: ["UNCLASSIFIED", "SECRET"], version: "9.9.9", certificateExpiry: 1_900_000_000)
        let text = String(decoding: metrics.exposition(), as: UTF8.self)
        let lines = Set(text.split(separator: "\n").map(String.init))
        for refusal in DeltaRefusal.allCases {
            #expect(lines.contains("cairn_deltas_rejected_total{reason=\"\(refusal.rawValue)\"} 0"))
        }
        #expect(lines.contains("cairn_key_rotations_total{level=\"UNCLASSIFIED\"} 0"))
        #expect(lines.contains("cairn_deltas_stored_total{level=\"SECRET\",origin=\"local\"} 0"))
        #expect(lines.contains("cairn_build_info{version=\"9.9.9\"} 1.0"))
        #expect(lines.contains("cairn_certificate_expiry_seconds 1900000000.0"))
        #expect(lines.contains("# TYPE cairn_commit_failures_total counter"))
        #expect(lines.contains("# HELP cairn_commit_failures_total \(MetricCatalogue.byName["cairn_commit_failures_total"]!.help)"))
        // Counting later moves the series created at start, and keeps one HELP line.
        metrics.count("cairn_deltas_rejected_total", [("reason", "bad_signature")], by: 2)
        let after = String(decoding: metrics.exposition(), as: UTF8.self)
        #expect(after.contains("cairn_deltas_rejected_total{reason=\"bad_signature\"} 2\n"))
        #expect(after.components(separatedBy: "# HELP cairn_deltas_rejected_total ").count == 2)
    }

    @Test func statusWarnsThirtyDaysBeforeTheCertificateExpires() {
        let now: Int64 = 1_800_000_000
        #expect(StatusService.certificateWarning(notAfter: now + 31 * 86_400, now: now) == nil)
        let soon = StatusService.certificateWarning(notAfter: now + 29 * 86_400 + 5, now: now)
        #expect(soon?.contains("in 29 days") == true && soon?.contains("cairn device certify") == true, "\(soon ?? "nil")")
        #expect(StatusService.certificateWarning(notAfter: now + 3_600, now: now)?.contains("less than a day") == true)
        #expect(StatusService.certificateWarning(notAfter: now - 1, now: now)?.contains("expired") == true)
    }
}
