/// One key on which the two sets differ, with what each side holds there.
public struct ReconcileDifference: Hashable, Sendable {
    /// The key.
    public var key: [UInt8]
    /// Our value, or nil when we hold nothing under the key.
    public var local: [UInt8]?
    /// The peer's value, or nil when the peer holds nothing under the key.
    public var remote: [UInt8]?

    /// Records a difference.
    public init(key: [UInt8], local: [UInt8]?, remote: [UInt8]?) {
        self.key = key
        self.local = local
        self.remote = remote
    }
}

/// The symmetric difference of the two sets, as one side of a finished session knows it. Both
/// sides of an honest session find the same keys (with `local` and `remote` swapped).
public struct ReconcileOutcome: Hashable, Sendable {
    /// Every differing key, in key order.
    public var differences: [ReconcileDifference]

    /// Keys only we hold.
    public var onlyLocal: [ReconcileDifference] { differences.filter { $0.remote == nil } }
    /// Keys only the peer holds.
    public var onlyRemote: [ReconcileDifference] { differences.filter { $0.local == nil } }
    /// Keys both hold with different values.
    public var changed: [ReconcileDifference] { differences.filter { $0.local != nil && $0.remote != nil } }
}
