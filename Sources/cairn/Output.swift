import CairnControl
import Foundation

/// Printing for the CLI: documents as stable JSON, tables, and messages on standard error.
enum Output {
    /// Prints `value` as pretty JSON with sorted keys, the form of every `--json` output.
    static func json<T: Encodable>(_ value: T) throws {
        do {
            FileHandle.standardOutput.write(Data(try ControlJSON.prettyText(value).utf8))
        } catch {
            throw CLIError.failure("cannot encode the output as JSON: \(error)")
        }
    }

    /// Prints a line on standard output.
    static func line(_ text: String = "") {
        FileHandle.standardOutput.write(Data((text + "\n").utf8))
    }

    /// Prints `cairn: <message>` on standard error.
    static func error(_ message: String) {
        standardError("cairn: " + message)
    }

    /// Prints a warning on standard error.
    static func warning(_ message: String) {
        standardError("cairn: warning: " + message)
    }

    /// Prints text on standard error, adding a final newline if missing.
    static func standardError(_ text: String) {
        FileHandle.standardError.write(Data((text.hasSuffix("\n") ? text : text + "\n").utf8))
    }

    /// Prints rows as columns padded to their widest cell, every cell whole; the last column is
    /// not padded. For tables whose cells are short enough to always fit.
    static func table(_ header: [String], _ rows: [[String]]) {
        table(TextTable(header.map { TextTable.Column($0) }, rows: rows), width: nil)
    }

    /// Prints `table` fitted to `width` (nil: every column and cell whole).
    static func table(_ table: TextTable, width: Int?) {
        for text in table.lines(width: width) { line(text) }
    }

    /// Prints `label: value` pairs with the values aligned.
    static func pairs(_ pairs: [(String, String)]) {
        let width = (pairs.map { $0.0.count }.max() ?? 0) + 1
        for (label, value) in pairs {
            line((label + ":").padding(toLength: width, withPad: " ", startingAt: 0) + " " + value)
        }
    }
}
