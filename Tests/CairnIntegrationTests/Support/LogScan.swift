import Foundation
import Testing

/// Reads a daemon's log for what must never be there: the run's `LogCanary` (or any other
/// marker a test planted) and raw control characters, which `LogfmtHandler` escapes. Run on
/// every daemon of the suite when its directory is removed (`SiteDirectory.remove`).
enum LogScan {
    /// One finding: the line (1-based) and why it is wrong.
    struct Finding: Equatable, CustomStringConvertible {
        let line: Int
        let problem: String
        let text: String
        var description: String { "line \(line): \(problem): \(text.debugDescription.prefix(400))" }
    }

    /// Every line of `log` holding a marker (case-insensitive) or a raw control character: C0
    /// other than the newline, DEL, C1, line and paragraph separators, bidirectional and other
    /// invisible format characters. Bytes that are not UTF-8 count as control bytes.
    static func findings(in log: Data, markers: [String] = [LogCanary.token]) -> [Finding] {
        var findings: [Finding] = []
        let lowered = markers.map { $0.lowercased() }
        for (index, bytes) in log.split(separator: UInt8(ascii: "\n"), omittingEmptySubsequences: false).enumerated() {
            guard let text = String(validating: bytes, as: UTF8.self) else {
                findings.append(
                    Finding(
                        line: index + 1, problem: "bytes that are not UTF-8",
                        text: String(decoding: bytes, as: UTF8.self)))
                continue
            }
            let lower = text.lowercased()
            for marker in lowered where lower.contains(marker) {
                findings.append(Finding(line: index + 1, problem: "holds the planted marker \(marker)", text: text))
            }
            if let scalar = text.unicodeScalars.first(where: isRawControl) {
                findings.append(
                    Finding(
                        line: index + 1,
                        problem: "raw control character U+\(String(scalar.value, radix: 16, uppercase: true))",
                        text: text))
            }
        }
        return findings
    }

    /// Records a test issue for every finding in the log at `path` (a missing log is no finding:
    /// the daemon never started).
    static func check(logAt path: String, of device: String, markers: [String] = [LogCanary.token]) {
        guard let log = FileManager.default.contents(atPath: path) else { return }
        for finding in findings(in: log, markers: markers) {
            Issue.record("\(device)'s log (\(path)), \(finding)")
        }
    }

    /// Records a test issue for every finding in a daemon's captured output.
    static func check(output: String, of what: String) {
        for finding in findings(in: Data(output.utf8)) {
            Issue.record("\(what)'s output, \(finding)")
        }
    }

    static func isRawControl(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar.properties.generalCategory {
        case .control: return scalar != "\n"
        case .format, .lineSeparator, .paragraphSeparator: return true
        default: return false
        }
    }
}
