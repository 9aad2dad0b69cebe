import CairnCrypto
import Foundation

/// The number of deleted records per level, kept in the store's meta table so that a restart
/// does not have to open every record to count them again (with a million records that took
/// most of a minute).
///
/// Whether a record is deleted is inside its sealed state, so the tally is sealed too: with a
/// key derived from the site's index key (XChaCha20-Poly1305), so that a copy of the database
/// file shows neither which records are deleted nor how many. It is written in the same
/// transaction as the record rows it counts; an empty value means "not known, count again".
enum DeletedTally {
    private static let associatedData = Array("cairn/v1/deleted-tally".utf8)
    private static let keyLabel = Array("cairn/v1/deleted-tally-key\0".utf8)
    /// Levels a tally may name: far more than any charter has (bounds a damaged value).
    private static let maxLevels = 64

    /// The sealing key, derived from the index key (never the index key itself).
    static func key(indexKey: SecureBytes) -> XChaCha20Poly1305.Key {
        let derived = BLAKE2b.hash(keyLabel, key: indexKey)
        return try! XChaCha20Poly1305.Key(SecureBytes(copying: derived))
    }

    static func seal(_ counts: [String: Int], key: XChaCha20Poly1305.Key) -> [UInt8] {
        let plain = counts.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: "\n")
        return XChaCha20Poly1305.seal(Array(plain.utf8), associatedData: associatedData, key: key)
    }

    /// The counts in a stored tally; nil when there is none, it was invalidated, or it does not
    /// open or parse (then the records are counted again: the tally is a cache, never a source).
    static func open(_ sealed: [UInt8]?, key: XChaCha20Poly1305.Key) -> [String: Int]? {
        // A statistic: a tally that does not open is counted again from the records (nil).
        guard let sealed, !sealed.isEmpty,
            let plain = try? XChaCha20Poly1305.open(sealed, associatedData: associatedData, key: key)
        else { return nil }
        var counts: [String: Int] = [:]
        for line in String(decoding: plain, as: UTF8.self).split(separator: "\n") {
            let parts = line.split(separator: "=", maxSplits: 1)
            guard parts.count == 2, let count = Int(parts[1]), count >= 0, counts.count < maxLevels else { return nil }
            counts[String(parts[0])] = count
        }
        return counts
    }

    /// `counts` moved by a group's `change`, never below zero.
    static func adding(_ change: [String: Int], to counts: [String: Int]) -> [String: Int] {
        var result = counts
        for (level, delta) in change { result[level] = max(0, result[level, default: 0] + delta) }
        return result
    }
}

/// Keeps the deleted tally in step with the records: each group that writes or drops record rows
/// moves the counts in the same transaction (`WriteContext.deletions`), and a tally counted
/// outside a group (`deletedCountsUnsaved`) is written by the next group.
struct DeletedTallyKeeper: LedgerParticipant {
    let key: XChaCha20Poly1305.Key

    func prepare(_ context: inout WriteContext, committed: LedgerState) {
        let deletions = context.deletions
        if let counts = context.deletedCounts {
            let moved = DeletedTally.adding(deletions, to: counts)
            if context.deletedCountsUnsaved || !deletions.isEmpty {
                context.batch.meta[MetaKey.deletedTally] = DeletedTally.seal(moved, key: key)
            }
            context.deletedCounts = moved
            context.deletedCountsUnsaved = false
            context.deletedCountsMoved = true
        } else if !deletions.isEmpty {
            // Not known: a tally left in the store would now be wrong. A count may have been
            // taken while this group committed: it is taken again next time.
            context.batch.meta[MetaKey.deletedTally] = []
            context.deletedCountsMoved = true
        }
    }
}
