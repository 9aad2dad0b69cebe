import Foundation

/// The one JSON configuration of the control API, shared by the daemon and the CLI.
///
/// Output is pretty-printed with sorted keys so that the same document always prints the same
/// bytes: scripts can diff it, and tests can compare it. Dates are plain ISO-8601 strings inside
/// the documents (the daemon formats them), so no date strategy is needed here.
public enum ControlJSON {
    /// An encoder for documents shown to people or written to files: pretty, sorted, stable.
    public static func prettyEncoder() -> JSONEncoder {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        return encoder
    }

    /// An encoder for request and response bodies and one-line renderings: compact, sorted.
    public static func compactEncoder() -> JSONEncoder {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return encoder
    }

    /// A decoder for API documents.
    public static func decoder() -> JSONDecoder {
        JSONDecoder()
    }

    /// Encodes `value` pretty and sorted, followed by a newline, ready to print.
    public static func prettyText<T: Encodable>(_ value: T) throws -> String {
        let data = try prettyEncoder().encode(value)
        return String(decoding: data, as: UTF8.self) + "\n"
    }

    /// Encodes `value` on one line with sorted keys, for tables and messages.
    public static func compactText<T: Encodable>(_ value: T) throws -> String {
        String(decoding: try compactEncoder().encode(value), as: UTF8.self)
    }

    /// A one-line account of a decoding error: the path to the bad member and what was wrong.
    public static func describe(_ error: any Error) -> String {
        guard let decoding = error as? DecodingError else { return String(describing: error) }
        let context: DecodingError.Context
        switch decoding {
        case .typeMismatch(_, let c), .valueNotFound(_, let c), .keyNotFound(_, let c), .dataCorrupted(let c):
            context = c
        @unknown default:
            return String(describing: error)
        }
        let path = context.codingPath.map { $0.intValue.map { "[\($0)]" } ?? $0.stringValue }
            .joined(separator: ".")
        var detail = context.debugDescription
        if case .keyNotFound(let key, _) = decoding {
            detail = "missing key \"\(key.stringValue)\""
        }
        return path.isEmpty ? detail : "\(path): \(detail)"
    }
}
