extension WriteBatch {
    /// Byte length of delta ids, author keys and record keys (BLAKE2b-256, Ed25519, keyed hash).
    static let idByteCount = 32

    /// Checks what the schema cannot express before a transaction starts, so that a malformed
    /// batch fails with a precise message and never half-runs.
    func validate() throws {
        for delta in deltas {
            try Self.check(id: delta.id, "delta id")
            try Self.check(id: delta.author, "delta author")
            try Self.check(level: delta.level)
            try Self.check(delta.sequence >= 1, "delta sequences start at 1")
            try Self.check(fitsInt64(delta.sequence), "delta sequence \(delta.sequence) is too large")
            try Self.check(fitsInt64(delta.hlcWall), "HLC wall time \(delta.hlcWall) is too large")
        }
        for record in records {
            try Self.check(id: record.key, "record key")
            try Self.check(level: record.level)
        }
        for link in links {
            try Self.check(id: link.recordKey, "link record key")
            try Self.check(id: link.deltaID, "link delta id")
        }
        for key in epochKeys {
            try Self.check(level: key.level)
        }
        for key in meta.keys {
            try Self.check(!key.isEmpty, "meta keys must not be empty")
        }
    }

    static func check(id: [UInt8], _ what: String) throws {
        try check(id.count == idByteCount, "a \(what) must be \(idByteCount) bytes, not \(id.count)")
    }

    static func check(level: String) throws {
        try check(!level.isEmpty, "a level name must not be empty")
    }

    static func check(_ condition: Bool, _ reason: @autoclosure () -> String) throws {
        guard condition else {
            throw StoreError.invalidArgument(reason: reason())
        }
    }

    private func fitsInt64(_ value: UInt64) -> Bool {
        value <= UInt64(Int64.max)
    }
}
