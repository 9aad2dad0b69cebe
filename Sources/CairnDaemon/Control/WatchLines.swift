import CairnControl
import CairnModel
import CairnStore

/// The lines of the change stream (`GET /v1/watch`, `cairn watch`): one JSON object per record
/// write of a committed group, in commit order, each ending in a newline. The lines carry the
/// record (its fields included): they answer a caller with the read right, like `GET
/// /v1/records`, and are never logged.
enum WatchLines {
    /// The lines of `committed`; with `level`, only of the records at that level.
    static func encode(_ committed: CommittedChanges, identity: SiteIdentity, level: String? = nil) -> [UInt8] {
        let mapping = DocumentMapping(identity: identity, devices: committed.devices)
        let encoder = ControlJSON.compactEncoder()
        var bytes: [UInt8] = []
        for change in committed.changes where level == nil || change.state.level == level {
            let event = change.created ? "record.created" : (change.state.isDeleted ? "record.deleted" : "record.updated")
            let document = WatchEvent(event: event, record: mapping.document(change.state), delta: Hex.encode(change.deltaID))
            // Encoding a document of strings and numbers cannot fail; a watcher missing a line
            // still sees the record in `get` and `list`.
            guard let line = try? encoder.encode(document) else { continue }
            bytes += line
            bytes.append(UInt8(ascii: "\n"))
        }
        return bytes
    }
}
