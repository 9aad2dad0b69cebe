import CairnTestSupport
import Foundation
import Testing

extension IntegrationSuite {
    /// Agencies sign copies of one draft in parallel and merge them (issue 17, point 10).
    @Suite struct CharterMergeTests {
        struct Shown: Decodable {
            struct Signature: Decodable {
                var signer: String
                var valid: Bool
            }
            var signatures: [Signature]
            var verified: Bool
        }

        @Test func copiesSignedApartMergeIntoAValidCharter() throws {
            let directory = FileManager.default.temporaryDirectory.appendingPathComponent("cairn-merge-\(UUID().uuidString)").path
            try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
            defer { try? FileManager.default.removeItem(atPath: directory) }
            let alpha = try TestKeys.privateCopy(of: TestKeys.agencyKeyFile("alpha"))
            let bravo = try TestKeys.privateCopy(of: TestKeys.agencyKeyFile("bravo"))
            defer {
                for key in [alpha, bravo] { try? FileManager.default.removeItem(atPath: (key as NSString).deletingLastPathComponent) }
            }
            func cairn(_ arguments: [String]) throws -> ProcessResult {
                try ProcessRunner.run(Binaries.cairn, arguments)
            }
            func draft(_ name: String, federation: String) throws {
                let made = try cairn([
                    "charter", "create", "--federation", federation, "--agency", "alpha:\(alpha):SECRET", "--agency", "bravo:\(bravo):SECRET",
                    "--threshold", "2", "--out", "\(directory)/\(name)",
                ])
                #expect(made.status == 0, "\(made.stderr)")
            }
            try draft("draft.cairn", federation: "merge-test")
            for (agency, key) in [("alpha", alpha), ("bravo", bravo)] {
                let signed = try cairn(["charter", "sign", "\(directory)/draft.cairn", "--key", key, "--out", "\(directory)/\(agency).cairn"])
                #expect(signed.status == 0, "\(agency): \(signed.stderr)")
            }
            let merged = try cairn(["charter", "merge", "\(directory)/alpha.cairn", "\(directory)/bravo.cairn", "--out", "\(directory)/charter.cairn"])
            #expect(merged.status == 0, "\(merged.stderr)")
            let shown = try cairn(["charter", "show", "\(directory)/charter.cairn", "--json"])
            let report = try JSONDecoder().decode(Shown.self, from: Data(shown.stdout.utf8))
            #expect(report.verified, "\(shown.stdout)")
            #expect(Set(report.signatures.map(\.signer)) == ["alpha", "bravo"] && report.signatures.allSatisfy(\.valid))
            // The draft itself was left unsigned.
            let draftShown = try cairn(["charter", "show", "\(directory)/draft.cairn", "--json"])
            #expect(try JSONDecoder().decode(Shown.self, from: Data(draftShown.stdout.utf8)).signatures.isEmpty)

            // A copy of another draft is refused, and so is a damaged signature.
            try draft("other.cairn", federation: "another")
            _ = try cairn(["charter", "sign", "\(directory)/other.cairn", "--key", bravo, "--out", "\(directory)/other.bravo.cairn"])
            let mixed = try cairn(["charter", "merge", "\(directory)/alpha.cairn", "\(directory)/other.bravo.cairn", "--out", "\(directory)/x.cairn"])
            #expect(mixed.status != 0 && mixed.stderr.contains("not the same object"), "\(mixed.stderr)")
            #expect(!FileManager.default.fileExists(atPath: "\(directory)/x.cairn"))
        }
    }
}
