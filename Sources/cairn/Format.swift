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
    /// `compact` (tables fitted to the terminal) names only the levels whose count is not zero,
    /// and is `0` when all are.
    static func levels(_ peer: PeerDocument, _ count: (PeerDocument.Level) -> UInt64, compact: Bool = false) -> String {
        guard !peer.levels.isEmpty else { return "-" }
        let shown = compact ? peer.levels.filter { count($0) != 0 } : peer.levels
        return shown.isEmpty ? "0" : shown.map { "\($0.name)=\(count($0))" }.joined(separator: " ")
    }

    /// The last connection error of each peer that is not connected, one line each, for the
    /// notes under a peer table (an error is never cut to fit a cell).
    static func connectionErrors(_ peers: [PeerDocument]) -> [String] {
        peers.compactMap { peer in peer.connected ? nil : peer.lastError.map { "\(peer.name): \(TextTable.flat($0))" } }
    }

    /// What the store holds, saying how many deltas only grant keys: an empty site holds
    /// the grants of its levels' first keys and nothing else.
    static func holdings(records: Int, deltas: Int, keyGrants: Int) -> String {
        let base = "\(count(records, "live record")) in \(count(deltas, "delta"))"
        switch keyGrants {
        case 0: return base
        case deltas: return base + (deltas == 1 ? ", a key grant" : ", all key grants")
        case 1: return base + ", 1 of them a key grant"
        default: return base + ", \(keyGrants) of them key grants"
        }
    }

    /// An audit entry's detail (its stored JSON object) for people: `key=value` pairs in key
    /// order, values with spaces quoted, and `effectiveAt` (Unix seconds) as ISO 8601 UTC.
    /// Text that is not a JSON object of scalars is shown as it is.
    static func auditDetail(_ detail: String) -> String {
        guard let fields = auditDetailFields(detail) else { return detail }
        return fields.keys.sorted().map { key in
            var text = value(fields[key]!)
            if key == "effectiveAt", let seconds = Int64(text) { text = Ceremony.iso(seconds) }
            let plain = !text.isEmpty && !text.contains(where: { $0 == " " || $0 == "\"" || $0 == "=" })
            // Encoding one string cannot fail; if it did, the text is shown unquoted (display only).
            return "\(key)=" + (plain ? text : (try? ControlJSON.compactText(JSONValue.string(text))) ?? text)
        }.joined(separator: " ")
    }

    /// The fields of an audit detail (a JSON object kept as text), or nil when the text is not
    /// one. Nil is a display fallback here (the text is shown as it is) and a failure in
    /// `AuditExportCheck`; it is never read as "no detail" on a security path.
    static func auditDetailFields(_ detail: String) -> [String: JSONValue]? {
        guard case .object(let fields)? = try? ControlJSON.decoder().decode(JSONValue.self, from: Data(detail.utf8)) else { return nil }
        return fields
    }
}
