/// One message of a reconciliation session, as the domain sees it (`reconcile.proto` is the
/// normative description; `ReconcileMessage+Wire.swift` converts).
public struct ReconcileMessage: Hashable, Sendable {
    /// The message version this build speaks.
    public static let version: UInt32 = 1

    /// The item set of the session.
    public var set: ReconcileSetKind
    /// The initiator's number for the session.
    public var session: UInt64
    /// 1 for the initiator's first message, one more for each message after it.
    public var round: UInt32
    /// The session's salt in round 1 (16 bytes), empty after.
    public var salt: [UInt8]
    /// Ranges in increasing key order; the rest of the key space after the last one is skipped.
    public var ranges: [ReconcileRange]
    /// The items the receiver marked missing in its previous message, in the order of its bits.
    public var values: [ReconcileValue]

    /// A message; checked by `decode` when it comes from a peer.
    public init(
        set: ReconcileSetKind, session: UInt64, round: UInt32, salt: [UInt8] = [], ranges: [ReconcileRange],
        values: [ReconcileValue] = []
    ) {
        self.set = set
        self.session = session
        self.round = round
        self.salt = salt
        self.ranges = ranges
        self.values = values
    }

    /// Tags, reply items and values together: what `maxItemsPerMessage` bounds.
    var itemCount: Int {
        values.count + ranges.reduce(0) { total, range in
            switch range.payload {
            case .items(let tags): return total + tags.count
            case .reply(let items, _): return total + items.count
            case .skip, .fingerprint: return total
            }
        }
    }
}

/// One item owed as a value: whole, or by reference to a key the receiver just sent.
public enum ReconcileValue: Hashable, Sendable {
    /// The whole item: its key is not among those of the reply that marked it.
    case item(ReconcileItem)
    /// The value alone: the key is that of item `index` (from 0) of the receiver's reply that
    /// marked it (the receiver holds that key with another value).
    case reference(index: Int, value: [UInt8])

    /// The value, either way.
    public var value: [UInt8] {
        switch self {
        case .item(let item): return item.value
        case .reference(_, let value): return value
        }
    }
}

/// One range of a message: its upper bound and what it carries. Its lower bound is the previous
/// range's upper bound (the all-zero key for the first range).
public struct ReconcileRange: Hashable, Sendable, CustomStringConvertible {
    /// What a range carries (`ReconcileMode` on the wire).
    public enum Payload: Hashable, Sendable {
        /// Nothing: settled, or not asked about.
        case skip
        /// The sender's fingerprint of its items in the range (16 bytes).
        case fingerprint([UInt8])
        /// The tags of every item the sender holds in the range, in key order.
        case items(tags: [UInt64])
        /// Answers the receiver's ITEMS: the sender's items the receiver did not list, and a
        /// bitmap (least significant bit first) of the receiver's tags the sender lacks, empty
        /// when no bit is set.
        case reply(items: [ReconcileItem], missing: [UInt8])
    }

    /// The end of the range (excluded).
    public var upper: ReconcileBound
    /// What it carries.
    public var payload: Payload

    /// A range ending at `upper`.
    public init(upper: ReconcileBound, payload: Payload) {
        self.upper = upper
        self.payload = payload
    }

    /// `<upper> <mode>[count]`, for test failures.
    public var description: String {
        switch payload {
        case .skip: return "\(upper) skip"
        case .fingerprint: return "\(upper) fingerprint"
        case .items(let tags): return "\(upper) items[\(tags.count)]"
        case .reply(let items, let missing): return "\(upper) reply[\(items.count), \(missing.count) B]"
        }
    }
}
