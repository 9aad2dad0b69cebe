import Foundation
import Logging

/// Writes one logfmt line per event to standard error: `ts=… level=… msg=… key=value…`.
/// Messages are constant text; everything variable is in dotted metadata keys, so the lines
/// can be filtered and parsed (journald keeps them as they are).
///
/// Whatever a value holds, it stays one token of one line: control characters (C0, DEL, C1),
/// line and paragraph separators and bidirectional controls are escaped, so text that came from
/// a request or a peer can neither start a forged line nor reorder what a terminal shows.
/// (Keeping record data out of the values is the call sites' job: see `LoggableError`.)
public struct LogfmtHandler: LogHandler {
    public var metadata: Logger.Metadata = [:]
    public var logLevel: Logger.Level
    private let label: String

    /// Longest value written, in characters; a longer one is cut and marked, so that one
    /// event cannot fill the journal.
    static let maxValueCharacters = 2048

    public init(label: String, level: Logger.Level) {
        self.label = label
        self.logLevel = level
    }

    public subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    public func log(event: LogEvent) {
        let merged = metadata.merging(event.metadata ?? [:]) { _, new in new }
        let line = Self.line(
            timestamp: Self.timestamp(), level: event.level, message: event.message.description, metadata: merged)
        FileHandle.standardError.write(Data(line.utf8))
    }

    /// The whole line, newline included: keys sorted, every key and value made safe.
    static func line(timestamp: String, level: Logger.Level, message: String, metadata: Logger.Metadata) -> String {
        var line = "ts=\(quote(timestamp)) level=\(level) msg=\(quote(message))"
        for key in metadata.keys.sorted() {
            line += " \(safeKey(key))=\(quote("\(metadata[key]!)"))"
        }
        return line + "\n"
    }

    private static let style = Date.ISO8601FormatStyle(includingFractionalSeconds: true)

    private static func timestamp() -> String { style.format(Date()) }

    /// A key as written: keys are constant dotted names, so anything else in one is replaced.
    static func safeKey(_ key: String) -> String {
        guard !key.isEmpty else { return "_" }
        return String(key.unicodeScalars.map { isKeyScalar($0) ? Character($0) : "_" })
    }

    /// A value as one logfmt token: bare when it is plain text, otherwise quoted with `\\`,
    /// `\"`, `\n`, `\r`, `\t`, `\xHH` (other C0 and DEL) and `\u{HHHH}` (C1, separators,
    /// format and bidirectional controls) escapes.
    static func quote(_ value: String) -> String {
        var text = value
        if text.count > maxValueCharacters { text = String(text.prefix(maxValueCharacters)) + "…(truncated)" }
        let needsQuotes =
            text.isEmpty
            || text.unicodeScalars.contains { $0 == " " || $0 == "\"" || $0 == "=" || $0 == "\\" || mustEscape($0) }
        guard needsQuotes else { return text }
        var quoted = "\""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\\": quoted += "\\\\"
            case "\"": quoted += "\\\""
            case "\n": quoted += "\\n"
            case "\r": quoted += "\\r"
            case "\t": quoted += "\\t"
            case _ where scalar.value < 0x80 && mustEscape(scalar): quoted += "\\x" + hex(scalar.value, digits: 2)
            case _ where mustEscape(scalar): quoted += "\\u{" + hex(scalar.value, digits: 4) + "}"
            default: quoted.unicodeScalars.append(scalar)
            }
        }
        return quoted + "\""
    }

    /// Whether a scalar is escaped: controls (C0, DEL, C1), line and paragraph separators, and
    /// invisible format characters, which include the bidirectional overrides and isolates
    /// (U+202A–U+202E, U+2066–U+2069) and marks (U+200E, U+200F, U+061C).
    static func mustEscape(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar.properties.generalCategory {
        case .control, .format, .lineSeparator, .paragraphSeparator, .surrogate, .unassigned: return true
        default: return false
        }
    }

    private static func isKeyScalar(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar {
        case "a"..."z", "A"..."Z", "0"..."9", ".", "_", "-": return true
        default: return false
        }
    }

    private static func hex(_ value: UInt32, digits: Int) -> String {
        let text = String(value, radix: 16, uppercase: false)
        return String(repeating: "0", count: max(0, digits - text.count)) + text
    }
}
