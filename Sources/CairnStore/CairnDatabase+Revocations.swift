import GRDB

/// A verified device revocation as the store keeps it: the signed object verbatim (re-verified
/// against the charter at every start, and passed on to peers), indexed by the serial of the
/// certificate it withdraws.
public struct RevocationRow: Hashable, Sendable {
    /// Serial of the revoked certificate (16 bytes).
    public var serial: [UInt8]
    public var agency: String
    public var device: String
    /// Unix seconds from which the device's deltas are refused.
    public var effectiveAt: Int64
    /// The serialized signed revocation, verbatim.
    public var signed: [UInt8]
    /// When this site learned it, Unix seconds.
    public var learnedAt: Int64

    /// Builds a revocation row.
    public init(serial: [UInt8], agency: String, device: String, effectiveAt: Int64, signed: [UInt8], learnedAt: Int64) {
        self.serial = serial
        self.agency = agency
        self.device = device
        self.effectiveAt = effectiveAt
        self.signed = signed
        self.learnedAt = learnedAt
    }
}

extension CairnDatabase {
    /// Every revocation this site keeps, in the order it learned them.
    public func revocations() throws -> [RevocationRow] {
        try read("read revocations") { db in
            try Row.fetchAll(
                db, sql: "SELECT serial, agency, device, effective_at, signed, learned_at FROM revocation ORDER BY learned_at, serial"
            ).map { row in
                RevocationRow(
                    serial: try row.bytes(0, table: "revocation"), agency: try row.string(1, table: "revocation"),
                    device: try row.string(2, table: "revocation"), effectiveAt: try row.integer(3, table: "revocation", as: Int64.self),
                    signed: try row.bytes(4, table: "revocation"), learnedAt: try row.integer(5, table: "revocation", as: Int64.self))
            }
        }
    }
}
