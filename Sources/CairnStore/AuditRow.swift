/// One entry of the audit log as stored. The daemon computes `hash` over the entry's fields and
/// `previous` (the hash of the entry before it); the store only keeps the chain contiguous.
public struct AuditRow: Hashable, Sendable {
    /// 1, 2, 3, … without gaps.
    public var seq: Int64
    /// Milliseconds since the Unix epoch.
    public var at: Int64
    /// What happened, e.g. `record.put`, `control.forbidden`.
    public var kind: String
    /// Who did it, e.g. `uid:1000`, `daemon`.
    public var actor: String
    /// A JSON object with the particulars (never record contents).
    public var detail: String
    /// Hash of the previous entry (32 zero bytes for the first).
    public var previous: [UInt8]
    public var hash: [UInt8]

    public init(seq: Int64, at: Int64, kind: String, actor: String, detail: String, previous: [UInt8], hash: [UInt8]) {
        self.seq = seq
        self.at = at
        self.kind = kind
        self.actor = actor
        self.detail = detail
        self.previous = previous
        self.hash = hash
    }
}
