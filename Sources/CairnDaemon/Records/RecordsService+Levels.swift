import CairnModel
import CairnStore

/// A record is named by its id and its level (Docs/DataModel.md, "One id at several levels"): a
/// site cleared for several levels may hold one record per level with the same id. These find
/// them, and decide which one a request means when it names only the id.
extension RecordsService {
    /// The records with this id that this site holds, by level: what the group sees (staged
    /// earlier in it, else stored), read in one statement for the levels it has not touched.
    func heldByLevel(_ id: RecordID, in context: WriteContext) throws -> [String: RecordState] {
        var held: [String: RecordState] = [:]
        var unread: [[UInt8]: String] = [:]
        for level in identity.readableLevels {
            let key = rowKey(id, level: level)
            if context.batch.redaction.removedRecords.contains(key) { continue }
            if let pending = context.pending[key] {
                held[level] = pending
            } else if let stored = context.prefetched.record(key) {
                if let row = stored { held[level] = try open(row, keyring: context.keyring) }
            } else {
                unread[key] = level
            }
        }
        for row in try storeAccess({ try database.records(keys: Array(unread.keys)) }) where unread[row.key] != nil {
            held[row.level] = try open(row, keyring: context.keyring)
        }
        return held
    }

    /// The stored records with this id, by level (for reads outside a commit group).
    func storedByLevel(_ id: RecordID, keyring: EpochKeyring) throws -> [String: RecordState] {
        let keys = Dictionary(uniqueKeysWithValues: identity.readableLevels.map { (rowKey(id, level: $0), $0) })
        var held: [String: RecordState] = [:]
        for row in try storeAccess({ try database.records(keys: Array(keys.keys)) }) where keys[row.key] == row.level {
            held[row.level] = try open(row, keyring: keyring)
        }
        return held
    }

    /// `levels` ordered highest first.
    func highestFirst(_ levels: some Sequence<String>) -> [String] {
        let present = Set(levels)
        return identity.readableLevels.reversed().filter(present.contains)
    }

    /// Which of the records held with an id a request means: the one at `level` if it names
    /// one; else the only one; else (several held) the highest for a read, and a refusal for a
    /// write, which must say which. Throws `record_not_found` / `record_retracted` when none is
    /// held (at `level`, when given).
    func choose(
        _ id: RecordID, level: String?, among held: [String: RecordState], forWrite: Bool
    ) throws -> RecordState {
        if let level {
            try checkLevel(level)
            guard let state = held[level] else { throw notHeld(id, level: level) }
            return state
        }
        let levels = highestFirst(held.keys)
        guard let highest = levels.first else { throw notHeld(id, level: nil) }
        if forWrite, levels.count > 1 {
            throw SiteError.refused(
                .recordAmbiguous,
                "this site holds record \(id) at \(levels.joined(separator: " and ")); say which with --class (?class= in the API)")
        }
        return held[highest]!
    }

    /// Whether this site knows that the record with this id at `level` was retracted; with no
    /// level, at any level it may read.
    func isRetracted(_ id: RecordID, level: String?) throws -> Bool {
        let levels = level.map { [$0] } ?? identity.readableLevels
        return try storeAccess { try database.anyRetracted(keys: levels.map { rowKey(id, level: $0) }) }
    }

    /// Whether this site knows that the record with this id was retracted at any level it may
    /// read, as a group sees it: a retraction earlier in the group counts as one committed
    /// before it; then the store, as read ahead (else read now).
    func isRetracted(_ id: RecordID, in context: WriteContext) throws -> Bool {
        var unread: [[UInt8]] = []
        for level in identity.readableLevels {
            let key = rowKey(id, level: level)
            if context.batch.redaction.recordWithdrawals.contains(where: { $0.recordKey == key && $0.retracted }) { return true }
            if let stored = context.prefetched.withdrawals(of: key) {
                if stored.contains(where: \.retracted) { return true }
            } else {
                unread.append(key)
            }
        }
        guard !unread.isEmpty else { return false }
        return try storeAccess { try database.anyRetracted(keys: unread) }
    }

    /// Why no record with this id (at `level`, when given) is here: retracted (410), or never
    /// seen. A store failure is an error, never "not found".
    func notHeld(_ id: RecordID, level: String?) -> SiteError {
        do {
            return try isRetracted(id, level: level)
                ? SiteError.refused(.recordRetracted, "record \(id) was retracted")
                : SiteError.refused(.recordNotFound, "no record \(id)" + (level.map { " at \($0)" } ?? ""))
        } catch let error as SiteError {
            return error
        } catch {
            return SiteError.failed("the store could not be read: \(error)")
        }
    }
}
