import CairnCrypto
import CairnModel
import Synchronization

/// Turns record ids into the keys under which the store files records, so that no record id is
/// ever on disk.
///
/// A record is named by its id *and* its level (Docs/DataModel.md, "One id at several levels"):
/// a site cleared for two levels may hold two records with one id, one per level, and each is
/// its own row, with its own links to the deltas that made it. The key is derived in two steps,
/// BLAKE2b keyed with the site's index key over the id, then over that and the level, so that a
/// store written before records were keyed by level can be re-keyed from its stored keys alone
/// (`RecordKeyMigration`): the ids are not needed.
struct RecordKeys: Sendable {
    private let indexKey: SecureBytes
    /// Keys derived lately: a write looks up its id's key at every level several times (the
    /// read-ahead, the records held, the retraction check, the row it writes), each two keyed
    /// BLAKE2b hashes. In memory only, like the index key, and bounded.
    private let recent = RecentKeys()

    init(indexKey: SecureBytes) {
        self.indexKey = indexKey
    }

    private static let idDomain = Array("cairn/v1/record-key\0".utf8)
    private static let levelDomain = Array("cairn/v2/record-level-key\0".utf8)

    /// The key of the record with this id at `level`.
    func key(_ id: RecordID, level: String) -> [UInt8] {
        if let known = recent.key(id.rawValue, level) { return known }
        let derived = key(idKey: idKey(id), level: level)
        recent.remember(id.rawValue, level, derived)
        return derived
    }

    /// The first step: the id alone (the whole key before records were keyed by level).
    func idKey(_ id: RecordID) -> [UInt8] {
        BLAKE2b.hash(Self.idDomain + Array(id.rawValue.utf8), key: indexKey)
    }

    /// The second step: an id's key and a level.
    func key(idKey: [UInt8], level: String) -> [UInt8] {
        BLAKE2b.hash(Self.levelDomain + idKey + [UInt8(truncatingIfNeeded: level.utf8.count)] + Array(level.utf8), key: indexKey)
    }

    /// How log lines name a record (see `Site.logRef`): 8 bytes of a hash of the id keyed with
    /// a key derived from the index key, unrelated to the store keys.
    func logRef(_ id: String) -> String {
        let refKey = SecureBytes(copying: BLAKE2b.hash(Array("cairn/v1/log-ref-key\0".utf8), key: indexKey))
        return Hex.encode(Array(BLAKE2b.hash(Array(id.utf8), outputLength: 16, key: refKey).prefix(8)))
    }
}

/// The record keys derived lately, by id and level: at most `limit`, forgotten all at once when
/// full (a write's lookups come within one group, so a small memory is enough).
final class RecentKeys: Sendable {
    static let limit = 4096
    private struct Name: Hashable {
        let id: String
        let level: String
    }
    private let keys = Mutex<[Name: [UInt8]]>([:])

    func key(_ id: String, _ level: String) -> [UInt8]? {
        keys.withLock { $0[Name(id: id, level: level)] }
    }

    func remember(_ id: String, _ level: String, _ key: [UInt8]) {
        keys.withLock { keys in
            if keys.count >= Self.limit { keys.removeAll(keepingCapacity: true) }
            keys[Name(id: id, level: level)] = key
        }
    }
}
