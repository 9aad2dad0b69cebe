import CairnControl
import Foundation
import Testing

/// README.md and Docs/ name the version of `CairnVersion`, the one place it is set.
@Suite struct CairnVersionDocsTests {
    /// README.md and every page of Docs/, by name.
    static func documents() throws -> [(name: String, text: String)] {
        var url = URL(fileURLWithPath: #filePath)
        while url.path != "/" {
            url.deleteLastPathComponent()
            if FileManager.default.fileExists(atPath: url.appendingPathComponent("Package.swift").path) { break }
        }
        let docs = url.appendingPathComponent("Docs")
        let pages = try FileManager.default.contentsOfDirectory(atPath: docs.path).filter { $0.hasSuffix(".md") }.sorted()
        let files: [(String, URL)] =
            [("README.md", url.appendingPathComponent("README.md"))] + pages.map { ("Docs/" + $0, docs.appendingPathComponent($0)) }
        return try files.map { ($0.0, try String(contentsOf: $0.1, encoding: .utf8)) }
    }

    /// The first capture group of every match of `pattern` in `text`.
    static func captures(_ pattern: String, in text: String) throws -> [String] {
        let expression = try NSRegularExpression(pattern: pattern)
        return expression.matches(in: text, range: NSRange(text.startIndex..., in: text)).compactMap {
            Range($0.range(at: 1), in: text).map { String(text[$0]) }
        }
    }

    static func numbers(_ version: String) -> [Int] { version.split(separator: ".").map { Int($0) ?? 0 } }

    @Test func theConstantIsASemanticVersion() throws {
        #expect(try Self.captures(#"^(\d+\.\d+\.\d+)$"#, in: CairnVersion.string) == [CairnVersion.string])
        #expect(CairnVersion.string.hasPrefix(CairnVersion.release + "."))
    }

    /// `cairnd 0.4.0`, `version 0.4.0` and `"version": "0.4.0"` (examples of `--version`,
    /// `status` and its document) name exactly this version.
    @Test func fullVersionsInTheDocsAreTheConstant() throws {
        var found = 0
        for (name, text) in try Self.documents() {
            for version in try Self.captures(#"(?:\bversion |"version": "|\bcairnd? )(\d+\.\d+\.\d+)"#, in: text) {
                found += 1
                #expect(version == CairnVersion.string, "\(name) names version \(version), the code is \(CairnVersion.string)")
            }
        }
        #expect(found > 0, "no document names the full version any more; this test would pass vacuously")
    }

    /// "release 0.4": the pages that describe the current release say this one; any page may
    /// name an earlier release (what a store made by it needs), none a later one.
    @Test func releasesInTheDocsAreThisOneOrEarlier() throws {
        let current = ["README.md", "Docs/Architecture.md", "Docs/ThreatModel.md", "Docs/Operations.md"]
        for (name, text) in try Self.documents() {
            let releases = try Self.captures(#"\b[Rr]elease (\d+\.\d+)\b"#, in: text)
            if current.contains(name) {
                #expect(releases.first == CairnVersion.release, "\(name) first names release \(releases.first ?? "none")")
            }
            for release in releases {
                #expect(
                    Self.numbers(release).lexicographicallyPrecedes(Self.numbers(CairnVersion.release) + [1]),
                    "\(name) names release \(release), later than \(CairnVersion.release)")
            }
        }
    }
}
