import CairnControl
import CairnModel
import CairnStore

/// The lines of the change stream (`GET /v1/watch`, `cairn watch`): one JSON object per record
/// write of a committed group, in commit order, each ending in a newline.
enum WatchLines {
    static func encode(_ committed: CommittedChanges, identity: SiteIdentity) -> [UInt8] {
        let mapping = DocumentMapping(identity: identity, devices: committed.devices)
        let encoder = ControlJSON.compactEncoder()
        var bytes: [UInt8] = []
        for change in committed.changes {
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
