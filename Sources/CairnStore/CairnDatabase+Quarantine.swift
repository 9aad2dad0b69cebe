import Foundation
import GRDB

extension CairnDatabase {
    /// Takes a stored delta out of service, in one transaction: its bytes move to the quarantine
    /// table as evidence, and it leaves `delta` together with its history links.
    ///
    /// The stream head is deliberately left as it is: the position stays taken, so the bad delta
    /// is not fetched again, and the daemon reports the hole in the stream.
    ///
    /// - Parameters:
    ///   - detectedAt: When the problem was found, in the caller's time unit; defaults to now in
    ///     milliseconds since the Unix epoch.
    /// - Throws: `StoreError.unknownDelta` when no stored delta has this id.
    public func quarantine(deltaID: [UInt8], reason: String, detectedAt: Int64? = nil) throws {
        let detectedAt = detectedAt ?? Int64((Date().timeIntervalSince1970 * 1000).rounded())
        try write("quarantine a delta") { db in
            let copy = try db.cachedStatement(sql: """
                INSERT INTO quarantine
                    (delta_id, author, level, sequence, kind, envelope, received_at, reason, detected_at)
                SELECT id, author, level, sequence, kind, envelope, received_at, ?, ? FROM delta WHERE id = ?
                """)
            try copy.execute(arguments: [reason, detectedAt, deltaID.blob])
            guard db.changesCount == 1 else {
                throw StoreError.unknownDelta(id: deltaID)
            }
            // Deleting the delta also deletes its record_delta links (ON DELETE CASCADE).
            try db.cachedStatement(sql: "DELETE FROM delta WHERE id = ?").execute(arguments: [deltaID.blob])
        }
    }

    /// Every quarantined delta, oldest first.
    public func quarantined() throws -> [QuarantineRow] {
        try read("read quarantined deltas") { db in
            let statement = try db.cachedStatement(
                sql: "SELECT \(QuarantineRow.columns) FROM quarantine ORDER BY rowid")
            return try Row.fetchAll(statement).map(QuarantineRow.init(row:))
        }
    }
}
