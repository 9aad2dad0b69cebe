import CairnControl
import Foundation

/// Human renderings shared by the commands.
enum Format {
    /// A byte count in the largest binary unit that keeps it at least 1.
    static func bytes(_ count: Int64) -> String {
        let units = ["bytes", "KiB", "MiB", "GiB", "TiB"]
        var value = Double(count)
        var unit = 0
        while value >= 1024 && unit < units.count - 1 {
            value /= 1024
            unit += 1
        }
        return unit == 0 ? "\(count) bytes" : String(format: "%.1f", value) + " " + units[unit]
    }

    /// A field value for people: strings as their text, everything else as compact JSON.
    static func value(_ value: JSONValue) -> String {
        if case .string(let text) = value { return text }
        return (try? ControlJSON.compactText(value)) ?? "?"
    }

    /// `count` and the noun, plural unless the count is one: `1 delta`, `3 deltas`.
    static func count(_ count: Int, _ noun: String) -> String {
        "\(count) \(noun)\(count == 1 ? "" : "s")"
    }

    /// A value cut to `limit` characters on one line, for table cells.
    static func cell(_ text: String, limit: Int = 48) -> String {
        let flat = text.replacingOccurrences(of: "\n", with: " ").replacingOccurrences(of: "\t", with: " ")
        return flat.count <= limit ? flat : String(flat.prefix(limit - 1)) + "…"
    }

    /// `at` and `by` of a stamp: `2026-11-25T17:00:00.123Z by alpha/hq`.
    static func stamp(_ stamp: StampDocument) -> String {
        "\(stamp.at) by \(stamp.by)"
    }

    /// A per-level count of a peer for a table cell: `SECRET=3 CONFIDENTIAL=0`, `-` for none.
    static func levels(_ peer: PeerDocument, _ count: (PeerDocument.Level) -> UInt64) -> String {
        peer.levels.isEmpty ? "-" : peer.levels.map { "\($0.name)=\(count($0))" }.joined(separator: " ")
    }
}
