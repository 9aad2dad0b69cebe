import ArgumentParser
import Foundation
import Testing

@testable import cairn

/// Every `cairn` example in the docs (README.md and Docs/*.md, in ```sh blocks) and in the
/// commands' own help (their "Examples:") parses with the CLI as it is: the subcommand exists
/// and every option and argument is accepted, validation included. Examples are not run here
/// (most need a federation; the systemd walk-through and `make demo` run the guide's), but an
/// option renamed or removed fails this test instead of leaving the docs wrong (issue 17).
@Suite struct DocExamplesTests {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    /// `cairn …` command lines of the markdown's ```sh blocks, continuation lines joined.
    static func markdownExamples() throws -> [(place: String, line: String)] {
        let docs = try FileManager.default.contentsOfDirectory(atPath: root.path + "/Docs").filter { $0.hasSuffix(".md") }.map { "Docs/" + $0 }
        var found: [(String, String)] = []
        for file in docs + ["README.md"] {
            let text = try String(contentsOfFile: root.path + "/" + file, encoding: .utf8)
            var inShell = false
            var pending = ""
            for (number, raw) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
                let line = String(raw)
                if line.hasPrefix("```") {
                    inShell = !inShell && line.trimmingCharacters(in: .whitespaces) == "```sh"
                    pending = ""
                    continue
                }
                guard inShell else { continue }
                let joined = pending + line
                if joined.hasSuffix("\\") {
                    pending = String(joined.dropLast()) + " "
                    continue
                }
                pending = ""
                found.append(("\(file):\(number + 1)", joined))
            }
        }
        return found.filter { commandLine($0.1) != nil }
    }

    /// The "Examples:" lines of every command's help.
    static func helpExamples() -> [(place: String, line: String)] {
        var found: [(String, String)] = []
        func visit(_ command: any ParsableCommand.Type, path: String) {
            let configuration = command.configuration
            let name = path.isEmpty ? "cairn" : path + " " + (configuration.commandName ?? "")
            if let examples = configuration.discussion.components(separatedBy: "Examples:").dropFirst().first {
                var pending = ""
                for raw in examples.split(separator: "\n") {
                    let line = pending + raw.trimmingCharacters(in: .whitespaces)
                    if line.hasSuffix("\\") {
                        pending = String(line.dropLast()) + " "
                        continue
                    }
                    pending = ""
                    if commandLine(line) != nil { found.append(("help of \(name)", line)) }
                }
            }
            for subcommand in configuration.subcommands { visit(subcommand, path: name) }
        }
        visit(CairnCommand.self, path: "")
        return found
    }

    /// The arguments after `cairn` of the first command of a shell line, or nil when it runs no
    /// `cairn` (only the first pipeline stage counts; `sudo`, `sudo -u USER` and `VAR=value`
    /// prefixes are dropped).
    static func commandLine(_ line: String) -> [String]? {
        var words = shellWords(line)
        while let first = words.first, first == "sudo" || first.contains("=") && !first.hasPrefix("-") {
            words.removeFirst()
            if first == "sudo", words.first == "-u" { words.removeFirst(2) }
        }
        guard words.first == "cairn" else { return nil }
        return Array(words.dropFirst())
    }

    /// Words as the shell splits them, up to the first operator or comment; quotes removed. A
    /// `<…>` inside a word is a placeholder of the docs, kept as part of the word.
    static func shellWords(_ line: String) -> [String] {
        var words: [String] = []
        var word = ""
        var quote: Character?
        var inWord = false
        for character in line.trimmingCharacters(in: .whitespaces) {
            if let open = quote {
                if character == open { quote = nil } else { word.append(character) }
                continue
            }
            if character == "'" || character == "\"" {
                quote = character
                inWord = true
            } else if character == " " || character == "\t" {
                if inWord { words.append(word) }
                word = ""
                inWord = false
            } else if "|;&".contains(character) || ("<>#".contains(character) && !inWord) {
                if inWord { words.append(word) }
                return words
            } else {
                word.append(character)
                inWord = true
            }
        }
        if inWord { words.append(word) }
        return words
    }

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
