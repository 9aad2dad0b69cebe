import CairnControl
import Foundation

/// The marker the integration tests plant in record data (ids, types, tags, field names and
/// values, levels asked for), so that `LogScan` can prove no daemon of the suite wrote any of
/// it to its log. Random per run, so no fixed string can satisfy the scan by accident; lowercase
/// hex after a lowercase word, so it is valid in every part of a record.
enum LogCanary {
    static let token = "canary" + String(UUID().uuidString.lowercased().replacing("-", with: "").prefix(12))

    /// A marked word: `token-suffix` (a record id, a type or a tag).
    static func word(_ suffix: String) -> String { "\(token)-\(suffix)" }

    /// A marked field name: `token_suffix`.
    static func field(_ suffix: String) -> String { "\(token)_\(suffix)" }

    /// A record with the marker in every part a writer chooses: id, type, field names and
    /// values (nested too), and tags.
    static func record(_ id: String, level: String, n: Int = 0) -> PutRecordRequest {
        PutRecordRequest(
            id: id, type: word("type"), classification: level,
            fields: [
                field("title"): .string("\(token) title \(n)"),
                "n": .int(Int64(n)),
                field("nested"): .object([field("inner"): .array([.string("\(token) deep"), .int(Int64(n))])]),
            ],
            tags: [word("tag"), "tag-\(n)"])
    }
}
