import CairnModel
/// The one error type of `CairnStore`.
///
/// Every failure of the store, including those SQLite reports, arrives as one of these cases, so
/// that the daemon can tell an operator what happened and what to do without knowing that GRDB
/// or SQLite sit underneath. Byte strings in cases are the caller's own ids, shown in hex.
public enum StoreError: Error, Hashable, Sendable {
    /// The file at `path` is not a readable Cairn database (garbage, truncated or damaged).
    case corrupt(path: String, detail: String)
    /// The database could not be opened or created at `path` (missing directory, permissions).
    case cannotOpen(path: String, detail: String)
    /// The database was written by a newer version of Cairn whose schema this one does not know.
    case newerSchema(path: String)
    /// The disk holding the database is full; nothing of the failed write was kept.
    case diskFull(path: String)
    /// Another process held the database locked for longer than the busy timeout.
    case busy(path: String, detail: String)
    /// A delta's sequence skips ahead of its stream's head: earlier deltas are missing.
    case streamGap(author: [UInt8], level: String, expected: UInt64, got: UInt64)
    /// A delta's sequence is at or below its stream's head: that position is already taken.
    case duplicateSequence(author: [UInt8], level: String, sequence: UInt64, head: UInt64)
    /// A delta with this id is already stored (or appears twice in one batch).
    case duplicateDelta(id: [UInt8])
    /// No stored delta has this id.
    case unknownDelta(id: [UInt8])
    /// A value handed to the store breaks one of its rules; `reason` says which.
    case invalidArgument(reason: String)
    /// The audit log's last stored entry is not the one the new entries chain to: entries were
    /// removed (or added) outside the daemon. `foundSeq` is 0 and `foundHash` empty for an empty
    /// log. Nothing of the batch was stored.
    case auditChainMoved(expectedSeq: Int64, foundSeq: Int64, foundHash: [UInt8])
    /// SQLite reported another failure while doing `operation`.
    case database(operation: String, detail: String)
}

extension StoreError: CustomStringConvertible {
    /// A sentence for a person: what happened, and what to do about it.
    public var description: String {
        switch self {
        case let .corrupt(path, detail):
            return "The database at \(path) is damaged or is not a Cairn database (\(detail)). "
                + "Stop cairnd, move the file aside, then restore it from a backup or start with an empty "
                + "store and let the site re-sync from its peers."
        case let .cannotOpen(path, detail):
            return "The database at \(path) could not be opened (\(detail)). Check that its directory "
                + "exists and that the daemon's user may read and write it."
        case let .newerSchema(path):
            return "The database at \(path) was written by a newer version of Cairn. "
                + "Upgrade cairnd, or restore a backup made by this version."
        case let .diskFull(path):
            return "The disk holding \(path) is full; the write was not kept. Free some space and retry."
        case let .busy(path, detail):
            return "The database at \(path) stayed locked by another process (\(detail)). "
                + "Make sure only one cairnd uses this state directory, then retry."
        case let .streamGap(author, level, expected, got):
            return "Delta \(got) of stream \(Hex.short(author))/\(level) arrived before delta \(expected); "
                + "nothing of the batch was stored. Fetch the missing deltas first."
        case let .duplicateSequence(author, level, sequence, head):
            return "Stream \(Hex.short(author))/\(level) already holds sequence \(sequence) (head is \(head)); "
                + "nothing of the batch was stored. Drop the duplicate and retry the rest."
        case let .duplicateDelta(id):
            return "Delta \(Hex.short(id)) is already stored; nothing of the batch was stored. "
                + "Drop the duplicate and retry the rest."
        case let .unknownDelta(id):
            return "No stored delta has id \(Hex.short(id)); check that it was committed and not quarantined."
        case let .auditChainMoved(expectedSeq, foundSeq, _):
            return "The audit log ends at entry \(foundSeq), not at entry \(expectedSeq) as the daemon expected: "
                + "entries were removed or added outside the daemon, and nothing of the batch was stored. "
                + "The daemon records the break and continues the log; run `cairn audit verify`."
        case let .invalidArgument(reason):
            return "The store refused a value: \(reason). This is a bug in the caller; please report it."
        case let .database(operation, detail):
            return "The database failed to \(operation) (\(detail)). If this repeats, run an integrity "
                + "check and restore from a backup if it reports problems."
        }
    }
}
