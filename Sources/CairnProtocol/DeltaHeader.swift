import CairnModel

/// What a delta is: a RECORDS delta carries encrypted operations, a GRANT delta an epoch key
/// sealed to one device.
public enum DeltaKind: Int, Sendable, Hashable {
    case records = 0
    case grant = 1
}

/// The signed, plaintext part of a delta (domain form of `Cairn_V1_DeltaHeader`). It names the
/// stream (author, level), the position in it, and the key the body is sealed under; it is the
/// AEAD's associated data, so none of it can be changed without breaking both checks.
public struct DeltaHeader: Hashable, Sendable {
    /// The only format this version writes and reads.
    public static let currentFormat: UInt32 = 1

    public var format: UInt32
    public var kind: DeltaKind
    public var author: DeviceID
    public var level: String
    public var sequence: UInt64
    /// Id of the previous delta of the stream; empty for sequence 1.
    public var previous: [UInt8]
    public var hlc: HLCTimestamp
    /// The epoch key of a RECORDS body; nil for a GRANT.
    public var epoch: EpochRef?

    public init(
        kind: DeltaKind, author: DeviceID, level: String, sequence: UInt64, previous: [UInt8],
        hlc: HLCTimestamp, epoch: EpochRef?, format: UInt32 = DeltaHeader.currentFormat
    ) {
        self.format = format
        self.kind = kind
        self.author = author
        self.level = level
        self.sequence = sequence
        self.previous = previous
        self.hlc = hlc
        self.epoch = epoch
    }

    /// The stream this delta extends.
    public var stream: StreamID { StreamID(author: author, level: level) }
}
