/// The content of one delta: who wrote, at which level, when, and what.
///
/// Every operation in a change shares the change's stamp, because one delta is one atomic write
/// by one author at one instant. The wire module seals and signs a change; the model only says
/// what it means and whether it is well formed (`validate()`).
public struct Change: Hashable, Sendable {
    /// The device that wrote the change (and signed its delta).
    public var author: DeviceID
    /// The classification level of the change's stream; every record it touches lives there.
    public var level: String
    /// The author's clock reading when it wrote.
    public var hlc: HLCTimestamp
    /// The edits, applied in order.
    public var operations: [Operation]

    /// Builds a change; call `validate()` before sealing or applying it.
    public init(author: DeviceID, level: String, hlc: HLCTimestamp, operations: [Operation]) {
        self.author = author
        self.level = level
        self.hlc = hlc
        self.operations = operations
    }

    /// The stamp every operation of this change carries.
    public var stamp: Stamp { Stamp(hlc: hlc, author: author) }
}
