import GRDB

// Each row type knows the column list it is read from, so SELECTs and decoders stay in step.

extension StoredDelta {
    static let columns = columns(prefix: "")

    /// The column list with each column qualified by a table alias (such as "d.").
    static func columns(prefix: String) -> String {
        ["rowid", "id", "author", "level", "sequence", "kind", "hlc_wall", "hlc_counter", "envelope", "received_at"]
            .map { prefix + $0 }.joined(separator: ", ")
    }

    init(row: Row) throws {
        self.init(
            rowid: try row.int64(0, table: "delta"),
            id: try row.bytes(1, table: "delta"),
            author: try row.bytes(2, table: "delta"),
            level: try row.string(3, table: "delta"),
            sequence: try row.integer(4, table: "delta", as: UInt64.self),
            kind: try row.integer(5, table: "delta", as: Int.self),
            hlcWall: try row.integer(6, table: "delta", as: UInt64.self),
            hlcCounter: try row.integer(7, table: "delta", as: UInt32.self),
            envelope: try row.bytes(8, table: "delta"),
            receivedAt: try row.int64(9, table: "delta"))
    }
}

extension RecordRow {
    static let columns = "key, level, epoch_number, epoch_key_id, sealed, updated_at"

    init(row: Row) throws {
        self.init(
            key: try row.bytes(0, table: "record"),
            level: try row.string(1, table: "record"),
            epochNumber: try row.integer(2, table: "record", as: UInt32.self),
            epochKeyID: try row.bytes(3, table: "record"),
            sealed: try row.bytes(4, table: "record"),
            updatedAt: try row.int64(5, table: "record"))
    }
}

extension EpochKeyRow {
    static let columns = "level, number, key_id, sealed, created_at"

    init(row: Row) throws {
        self.init(
            level: try row.string(0, table: "epoch_key"),
            number: try row.integer(1, table: "epoch_key", as: UInt32.self),
            keyID: try row.bytes(2, table: "epoch_key"),
            sealed: try row.bytes(3, table: "epoch_key"),
            createdAt: try row.int64(4, table: "epoch_key"))
    }
}

extension StreamHeadRow {
    static let columns = "author, level, sequence, head_id"

    init(row: Row) throws {
        self.init(
            author: try row.bytes(0, table: "stream"),
            level: try row.string(1, table: "stream"),
            sequence: try row.integer(2, table: "stream", as: UInt64.self),
            headID: try row.bytes(3, table: "stream"))
    }
}

extension QuarantineRow {
    static let columns = "delta_id, author, level, sequence, kind, envelope, received_at, reason, detected_at"

    init(row: Row) throws {
        self.init(
            deltaID: try row.bytes(0, table: "quarantine"),
            author: try row.bytes(1, table: "quarantine"),
            level: try row.string(2, table: "quarantine"),
            sequence: try row.integer(3, table: "quarantine", as: UInt64.self),
            kind: try row.integer(4, table: "quarantine", as: Int.self),
            envelope: try row.bytes(5, table: "quarantine"),
            receivedAt: try row.int64(6, table: "quarantine"),
            reason: try row.string(7, table: "quarantine"),
            detectedAt: try row.int64(8, table: "quarantine"))
    }
}
