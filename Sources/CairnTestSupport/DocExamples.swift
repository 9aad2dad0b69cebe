import Foundation

/// The `cairn` examples of the docs and of the commands' help, as tests find them: the parse
/// test (`DocExamplesTests`) checks that each parses, the run test (`DocExamplesRunTests`) runs
/// each against real daemons (issue 17).
public enum DocExamples {
    /// `cairn …` command lines of the ```sh blocks of README.md and Docs/*.md under `root`,
    /// continuation lines joined, each with its file and line.
    public static func markdown(root: String) throws -> [(place: String, line: String)] {
        let docs = try FileManager.default.contentsOfDirectory(atPath: root + "/Docs").filter { $0.hasSuffix(".md") }.sorted()
        var found: [(String, String)] = []
        for file in ["README.md"] + docs.map({ "Docs/" + $0 }) {
            let text = try String(contentsOfFile: root + "/" + file, encoding: .utf8)
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
                found.append(("\(file):\(number + 1)", joined.trimmingCharacters(in: .whitespaces)))
            }
        }
        return found.filter { commandLine($0.1) != nil }
    }

    /// The `cairn` lines after "Examples:" in a command's help text, continuation lines joined.
    public static func help(_ discussion: String) -> [String] {
        guard let examples = discussion.components(separatedBy: "Examples:").dropFirst().first else { return [] }
        var found: [String] = []
        var pending = ""
        for raw in examples.split(separator: "\n") {
            let line = pending + raw.trimmingCharacters(in: .whitespaces)
            if line.hasSuffix("\\") {
                pending = String(line.dropLast()) + " "
                continue
            }
            pending = ""
            if commandLine(line) != nil { found.append(line) }
        }
        return found
    }

    /// The arguments after `cairn` of the first command of a shell line, or nil when it runs no
    /// `cairn` (only the first pipeline stage counts; `sudo`, `sudo -u USER` and `VAR=value`
    /// prefixes are dropped).
    public static func commandLine(_ line: String) -> [String]? {
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
    public static func shellWords(_ line: String) -> [String] {
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
}
