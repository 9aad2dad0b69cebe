import CairnWire

/// One item of a reconciled set: a 32-byte key and a value of the set's fixed length.
///
/// Two sides "differ" on a key when one lacks it or when their values differ; the session
/// reports both values, which is what the callers need (a stream's two positions, a device's
/// two certificate versions).
public struct ReconcileItem: Hashable, Sendable, Comparable {
    /// Every key has this many bytes.
    public static let keyLength = 32

    /// Orders the item; unique within a set.
    public var key: [UInt8]
    /// What the side holds under the key; `ReconcileSetKind.valueLength` bytes.
    public var value: [UInt8]

    /// Pairs a key and a value; lengths are checked where a set is built or a message decoded.
    public init(key: [UInt8], value: [UInt8]) {
        self.key = key
        self.value = value
    }

    /// By key bytes, unsigned.
    public static func < (lhs: ReconcileItem, rhs: ReconcileItem) -> Bool {
        lhs.key.lexicographicallyPrecedes(rhs.key)
    }
}

/// Which set a session reconciles. Both sides must agree; the value length follows from it, so
/// messages carry items without per-item lengths.
public enum ReconcileSetKind: Hashable, Sendable, CaseIterable, CustomStringConvertible {
    /// One item per stream at the common levels (`StreamHeadItems`).
    case streamHeads
    /// One item per device certificate that may be exchanged (`CertificateItems`).
    case certificates

    /// The length of every value of the set.
    public var valueLength: Int {
        switch self {
        case .streamHeads: return 40
        case .certificates: return 32
        }
    }

    /// Key and value, as messages carry an item.
    public var itemLength: Int { ReconcileItem.keyLength + valueLength }

    public var description: String {
        switch self {
        case .streamHeads: return "stream heads"
        case .certificates: return "certificates"
        }
    }

    var wire: Cairn_V1_ReconcileSet {
        switch self {
        case .streamHeads: return .streamHeads
        case .certificates: return .certificates
        }
    }

    init?(wire: Cairn_V1_ReconcileSet) {
        switch wire {
        case .streamHeads: self = .streamHeads
        case .certificates: self = .certificates
        case .unspecified, .UNRECOGNIZED: return nil
        }
    }
}
