import ArgumentParser
import CairnTestSupport
import Foundation
import Testing

@testable import cairn

/// Every `cairn` example in the docs (README.md and Docs/*.md, in ```sh blocks) and in the
/// commands' own help (their "Examples:") parses with the CLI as it is: the subcommand exists
/// and every option and argument is accepted, validation included. Examples are run by
/// `DocExamplesRunTests` (against a lab); this test needs no daemon, so an option renamed or
/// removed fails here first, in every `swift test --filter` run (issue 17).
@Suite struct DocExamplesTests {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    static func markdownExamples() throws -> [(place: String, line: String)] {
        try DocExamples.markdown(root: root.path)
    }

    /// The "Examples:" lines of every command's help.
    static func helpExamples() -> [(place: String, line: String)] {
        var found: [(String, String)] = []
        func visit(_ command: any ParsableCommand.Type, path: String) {
            let configuration = command.configuration
            let name = path.isEmpty ? "cairn" : path + " " + (configuration.commandName ?? "")
            for line in DocExamples.help(configuration.discussion) { found.append(("help of \(name)", line)) }
            for subcommand in configuration.subcommands { visit(subcommand, path: name) }
        }
        visit(CairnCommand.self, path: "")
        return found
    }

    static func commandLine(_ line: String) -> [String]? { DocExamples.commandLine(line) }

    @Test func everyDocumentedExampleParses() throws {
        let markdown = try Self.markdownExamples()
        let examples = markdown + Self.helpExamples()
        #expect(markdown.count > 30 && examples.count > 60, "only \(markdown.count) and \(examples.count) examples found")
        // The check can fail: an option the CLI does not have is refused.
        #expect(throws: (any Error).self) { try CairnCommand.parseAsRoot(Self.commandLine("cairn record list --no-such-option")!) }
        var failures: [String] = []
        for (place, line) in examples {
            guard let arguments = Self.commandLine(line) else { continue }
            do {
                _ = try CairnCommand.parseAsRoot(arguments)
            } catch {
                if error is CleanExit { continue }  // --help, --version
                failures.append("\(place): `\(line.trimmingCharacters(in: .whitespaces))`: \(CairnCommand.message(for: error))")
            }
        }
        let report = failures.joined(separator: "\n")
        #expect(failures.isEmpty, "\(failures.count) examples do not parse:\n\(report)")
    }
}
