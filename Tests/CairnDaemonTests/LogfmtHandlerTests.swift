import Logging
import Testing

@testable import CairnDaemon

/// `LogfmtHandler`: whatever a value holds (text from a request or a peer), a log line stays
/// one line, shows no control character raw, and reads back to exactly what was logged.
@Suite struct LogfmtHandlerTests {
    /// Scalars a terminal or a log reader acts on: C0 (NUL, BEL, BS, TAB, LF, VT, FF, CR, ESC),
    /// DEL, C1 (NEL, CSI), line and paragraph separators, bidirectional overrides, isolates and
    /// marks, and the zero-width no-break space.
    static let dangerous: [UInt32] = [
        0x00, 0x07, 0x08, 0x09, 0x0A, 0x0B, 0x0C, 0x0D, 0x1B, 0x1F, 0x7F, 0x80, 0x85, 0x9B, 0x9F,
        0x2028, 0x2029, 0x202A, 0x202B, 0x202C, 0x202D, 0x202E, 0x2066, 0x2067, 0x2068, 0x2069,
        0x200E, 0x200F, 0x061C, 0xFEFF,
    ]

    @Test(arguments: dangerous)
    func controlCharactersAreEscaped(_ value: UInt32) throws {
        let scalar = try #require(Unicode.Scalar(value))
        let text = "before" + String(Character(scalar)) + "after"
        let quoted = LogfmtHandler.quote(text)
        #expect(
            !quoted.unicodeScalars.contains(scalar),
            "U+\(String(value, radix: 16)) written raw: \(quoted.debugDescription)")
        #expect(quoted.unicodeScalars.allSatisfy { $0.value >= 0x20 && $0.value != 0x7F }, "\(quoted.debugDescription)")
        #expect(Self.unquote(quoted) == text)
    }

    @Test func escapesAreReadable() {
        #expect(LogfmtHandler.quote("a\u{1B}[31mred") == #""a\x1b[31mred""#)
        #expect(LogfmtHandler.quote("cr\rlf\n") == #""cr\rlf\n""#)
        #expect(LogfmtHandler.quote("nul\u{0}bel\u{7}") == #""nul\x00bel\x07""#)
        #expect(LogfmtHandler.quote("rtl\u{202E}cba") == #""rtl\u{202e}cba""#)
        #expect(LogfmtHandler.quote("back\\slash") == #""back\\slash""#)
        // Printable text outside ASCII stays as it is.
        #expect(LogfmtHandler.quote("Zürich—北京") == "Zürich—北京")
    }

    /// A value that tries to end the line and start a forged one stays inside its key.
    @Test func aValueCannotForgeALine() {
        let forged = "x\r\nts=2026-01-01T00:00:00.000Z level=critical msg=device.self_revoked reason=forged"
        let line = LogfmtHandler.line(
            timestamp: "2026-01-01T00:00:00.000Z", level: .notice, message: "control.refused",
            metadata: ["caller.uid": "1000", "peer": .string(forged)])
        #expect(line.hasSuffix("\n") && line.dropLast().allSatisfy { $0 != "\n" && $0 != "\r" })
        let fields = Self.parse(String(line.dropLast()))
        #expect(fields.map(\.key) == ["ts", "level", "msg", "caller.uid", "peer"])
        #expect(fields.last?.value == forged)
        #expect(fields[1].value == "notice" && fields[2].value == "control.refused")
    }

    /// Messages are constant, but are made safe all the same; keys keep only `[A-Za-z0-9._-]`.
    @Test func messagesAndKeysAreMadeSafe() {
        let line = LogfmtHandler.line(
            timestamp: "t", level: .info, message: "odd\nmessage", metadata: ["a key=x\u{1B}": "v", "": "empty"])
        let fields = Self.parse(String(line.dropLast()))
        #expect(fields.map(\.key) == ["ts", "level", "msg", "_", "a_key_x_"])
        #expect(fields[2].value == "odd\nmessage")
    }

    @Test func hugeValuesAreCut() {
        let quoted = LogfmtHandler.quote(String(repeating: "a", count: 100_000))
        #expect(quoted == String(repeating: "a", count: LogfmtHandler.maxValueCharacters) + "…(truncated)")
    }

    @Test(arguments: ["plain", "two words", "", "say \"hi\"", "a=b", "tab\there", "mixed \u{1B}\u{85}\u{2028} end"])
    func valuesReadBack(_ value: String) {
        let line = LogfmtHandler.line(timestamp: "t", level: .warning, message: "m", metadata: ["k": .string(value)])
        #expect(Self.parse(String(line.dropLast())).last?.value == value)
    }

    // MARK: A reader of the lines, as a log tool would parse them

    /// Splits a line into its key=value pairs, undoing the quoting.
    static func parse(_ line: String) -> [(key: String, value: String)] {
        var fields: [(key: String, value: String)] = []
        var rest = Substring(line)
        while !rest.isEmpty {
            guard let equals = rest.firstIndex(of: "=") else { break }
            let key = String(rest[..<equals])
            rest = rest[rest.index(after: equals)...]
            var token = ""
            if rest.first == "\"" {
                var index = rest.index(after: rest.startIndex)
                token = "\""
                while index < rest.endIndex {
                    let character = rest[index]
                    token.append(character)
                    index = rest.index(after: index)
                    if character == "\\", index < rest.endIndex {
                        token.append(rest[index])
                        index = rest.index(after: index)
                    } else if character == "\"" {
                        break
                    }
                }
                rest = rest[index...]
            } else {
                let end = rest.firstIndex(of: " ") ?? rest.endIndex
                token = String(rest[..<end])
                rest = rest[end...]
            }
            fields.append((key, unquote(token)))
            if rest.first == " " { rest = rest.dropFirst() }
        }
        return fields
    }

    /// The text of one value token.
    static func unquote(_ token: String) -> String {
        guard token.hasPrefix("\""), token.hasSuffix("\""), token.count >= 2 else { return token }
        let scalars = Array(token.unicodeScalars.dropFirst().dropLast())
        var out = String.UnicodeScalarView()
        var index = 0
        while index < scalars.count {
            let scalar = scalars[index]
            index += 1
            guard scalar == "\\", index < scalars.count else {
                out.append(scalar)
                continue
            }
            let escape = scalars[index]
            index += 1
            switch escape {
            case "n": out.append("\n")
            case "r": out.append("\r")
            case "t": out.append("\t")
            case "x":
                let hex = String(String.UnicodeScalarView(scalars[index..<index + 2]))
                out.append(Unicode.Scalar(UInt32(hex, radix: 16)!)!)
                index += 2
            case "u":
                let close = scalars[index...].firstIndex(of: "}")!
                let hex = String(String.UnicodeScalarView(scalars[(index + 1)..<close]))
                out.append(Unicode.Scalar(UInt32(hex, radix: 16)!)!)
                index = close + 1
            default: out.append(escape)
            }
        }
        return String(out)
    }
}
