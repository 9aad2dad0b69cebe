import GRDB

extension CairnDatabase {
    /// The newest signed audit head held for each peer device.
    public func witnessedAuditHeads() throws -> [AuditWitnessRow] {
        try read("read the witnessed audit heads") { db in
            try Row.fetchAll(db, sql: "SELECT device, seq, hash, signed_at, signature, received_at FROM audit_witness").map { row in
                AuditWitnessRow(
                    device: try row.bytes(0, table: "audit_witness"), seq: try row.int64(1, table: "audit_witness"),
                    hash: try row.bytes(2, table: "audit_witness"), signedAt: try row.int64(3, table: "audit_witness"),
                    signature: try row.bytes(4, table: "audit_witness"), receivedAt: try row.int64(5, table: "audit_witness"))
            }
        }
    }

    /// Keeps `heads` (verified by the caller), each only if it is newer (a higher sequence
    /// number) than the one held for its device: a witness never moves backwards.
    public func keepWitnessedAuditHeads(_ heads: [AuditWitnessRow]) throws {
        guard !heads.isEmpty else { return }
        try write("keep witnessed audit heads") { db in
            let upsert = try db.cachedStatement(sql: """
                INSERT INTO audit_witness (device, seq, hash, signed_at, signature, received_at) VALUES (?, ?, ?, ?, ?, ?)
                ON CONFLICT (device) DO UPDATE SET seq = excluded.seq, hash = excluded.hash, signed_at = excluded.signed_at,
                    signature = excluded.signature, received_at = excluded.received_at
                WHERE excluded.seq > audit_witness.seq
                """)
            for head in heads {
                guard head.device.count == 32, head.seq >= 1, head.hash.count == 32, head.signature.count == 64 else {
                    throw StoreError.invalidArgument(
                        reason: "a witnessed audit head needs a 32-byte device and hash, seq ≥ 1 and a 64-byte signature")
                }
                try upsert.execute(arguments: [
                    head.device.blob, head.seq, head.hash.blob, head.signedAt, head.signature.blob, head.receivedAt,
                ])
            }
        }
    }
}
