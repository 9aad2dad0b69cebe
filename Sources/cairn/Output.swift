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

    /// Prints rows as columns padded to their widest cell; the last column is not padded.
    static func table(_ header: [String], _ rows: [[String]]) {
        let all = [header] + rows
        let widths = header.indices.map { column in all.map { $0[column].count }.max() ?? 0 }
        for row in all {
            let cells = row.indices.map { column in
                column == row.count - 1
                    ? row[column] : row[column].padding(toLength: widths[column], withPad: " ", startingAt: 0)
            }
            var text = cells.joined(separator: "  ")
            while text.last == " " { text.removeLast() }
            line(text)
        }
    }

    /// Prints `label: value` pairs with the values aligned.
    static func pairs(_ pairs: [(String, String)]) {
        let width = (pairs.map { $0.0.count }.max() ?? 0) + 1
        for (label, value) in pairs {
            line((label + ":").padding(toLength: width, withPad: " ", startingAt: 0) + " " + value)
        }
    }
}
