/// Says that a delta changed a record, so that a record's history can be listed in delta order.
public struct RecordDeltaLink: Hashable, Sendable {
    /// Keyed hash of the record id, as in `RecordRow.key`.
    public var recordKey: [UInt8]
    /// Id of a delta stored earlier or in the same batch.
    public var deltaID: [UInt8]

    /// Builds a link.
    public init(recordKey: [UInt8], deltaID: [UInt8]) {
        self.recordKey = recordKey
        self.deltaID = deltaID
    }
}
