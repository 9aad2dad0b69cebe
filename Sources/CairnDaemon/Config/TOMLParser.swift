/// Parser for the TOML subset described on `TOMLDocument`. It reports every problem it finds,
/// not only the first, each with its line.
public enum TOMLParser {
    public static let maxBytes = 256 * 1024

    public static func parse(_ text: String) -> (TOMLDocument, [ConfigProblem]) {
        var document = TOMLDocument(entries: [], tables: [:])
        var problems: [ConfigProblem] = []
        guard text.utf8.count <= maxBytes else {
            return (document, [ConfigProblem(line: 0, key: nil, message: "the file is larger than \(maxBytes) bytes")])
        }
        var table = ""
        var seen: Set<String> = []
        // Swift treats "\r\n" as one Character, so CRLF must be named as a separator of its own.
        let lines = text.split(omittingEmptySubsequences: false, whereSeparator: { $0 == "\n" || $0 == "\r\n" })
        for (index, rawLine) in lines.enumerated() {
            let lineNumber = index + 1
            var scanner = Scanner(Substring(rawLine.hasSuffix("\r") ? rawLine.dropLast() : rawLine))
            scanner.skipSpaces()
            if scanner.atEndOrComment { continue }
            do {
                if scanner.peek == "[" {
                    table = try scanner.tableHeader()
                    if document.tables[table] != nil {
                        throw ScanError("table [\(table)] is declared twice")
                    }
                    document.tables[table] = lineNumber
                } else {
                    let key = try scanner.bareKey()
                    scanner.skipSpaces()
                    try scanner.expect("=")
                    scanner.skipSpaces()
                    let value = try scanner.value()
                    scanner.skipSpaces()
                    guard scanner.atEndOrComment else { throw ScanError("unexpected text after the value") }
                    let entry = TOMLEntry(table: table, key: key, value: value, line: lineNumber)
                    guard seen.insert(entry.path).inserted else {
                        throw ScanError("key \(entry.path) is set twice")
                    }
                    document.entries.append(entry)
                }
            } catch let error as ScanError {
                problems.append(ConfigProblem(line: lineNumber, key: nil, message: error.message))
            } catch {
                problems.append(ConfigProblem(line: lineNumber, key: nil, message: "\(error)"))
            }
        }
        return (document, problems)
    }
}

struct ScanError: Error {
    let message: String
    init(_ message: String) { self.message = message }
}

/// A cursor over one line.
struct Scanner {
    private let characters: [Character]
    private var position = 0

    init(_ line: Substring) { characters = Array(line) }

    var peek: Character? { position < characters.count ? characters[position] : nil }
    var atEndOrComment: Bool { peek == nil || peek == "#" }

    mutating func skipSpaces() {
        while let c = peek, c == " " || c == "\t" { position += 1 }
    }

    mutating func expect(_ c: Character) throws {
        guard peek == c else { throw ScanError("expected '\(c)'") }
        position += 1
    }

    mutating func tableHeader() throws -> String {
        try expect("[")
        skipSpaces()
        let name = try bareKey()
        skipSpaces()
        try expect("]")
        skipSpaces()
        guard atEndOrComment else { throw ScanError("unexpected text after the table header") }
        return name
    }

    mutating func bareKey() throws -> String {
        var key = ""
        while let c = peek, c.isASCII, c.isLetter || c.isNumber || c == "_" || c == "-" {
            key.append(c)
            position += 1
        }
        guard !key.isEmpty else { throw ScanError("expected a key (letters, digits, '_' or '-')") }
        return key
    }

    mutating func value() throws -> TOMLValue {
        switch peek {
        case "\"": return .string(try basicString())
        case "'": return .string(try literalString())
        case "[": return try array()
        case "t", "f": return .boolean(try boolean())
        case let c? where c == "-" || c == "+" || c.isNumber: return .integer(try integer())
        default: throw ScanError("expected a value: a \"string\", an integer, true/false or [an, array]")
        }
    }

    private mutating func basicString() throws -> String {
        try expect("\"")
        var text = ""
        while let c = peek {
            position += 1
            switch c {
            case "\"": return text
            case "\\":
                guard let escaped = peek else { break }
                position += 1
                switch escaped {
                case "\"": text.append("\"")
                case "\\": text.append("\\")
                case "n": text.append("\n")
                case "t": text.append("\t")
                default: throw ScanError("unsupported escape \\\(escaped) in a string")
                }
            default:
                text.append(c)
            }
        }
        throw ScanError("unterminated string")
    }

    private mutating func literalString() throws -> String {
        try expect("'")
        var text = ""
        while let c = peek {
            position += 1
            if c == "'" { return text }
            text.append(c)
        }
        throw ScanError("unterminated string")
    }

    private mutating func boolean() throws -> Bool {
        for (word, result) in [("true", true), ("false", false)] {
            let end = position + word.count
            if end <= characters.count, String(characters[position..<end]) == word {
                position = end
                return result
            }
        }
        throw ScanError("expected true or false")
    }

    private mutating func integer() throws -> Int64 {
        var digits = ""
        while let c = peek, c.isNumber || c == "-" || c == "+" || c == "_" {
            if c != "_" { digits.append(c) }
            position += 1
        }
        guard let number = Int64(digits) else { throw ScanError("'\(digits)' is not an integer") }
        return number
    }

    private mutating func array() throws -> TOMLValue {
        try expect("[")
        var items: [TOMLValue] = []
        skipSpaces()
        if peek == "]" {
            position += 1
            return .array(items)
        }
        while true {
            skipSpaces()
            let item = try value()
            if case .array = item { throw ScanError("nested arrays are not supported") }
            items.append(item)
            skipSpaces()
            if peek == "," {
                position += 1
                skipSpaces()
                if peek == "]" {
                    position += 1
                    return .array(items)
                }
                continue
            }
            try expect("]")
            return .array(items)
        }
    }
}
