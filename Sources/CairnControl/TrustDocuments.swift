import Foundation

/// A signed trust object sent to the daemon: a revocation (`POST /v1/revocations`) or a charter
/// amendment (`POST /v1/charter`), as the serialized `Signed` bytes in base64 (the CLI reads the
/// armored file and sends what is inside; the daemon verifies everything).
public struct SignedObjectRequest: Codable, Hashable, Sendable {
    /// Base64 of the serialized signed object.
    public var object: String

    /// Wraps serialized signed bytes.
    public init(bytes: [UInt8]) {
        self.object = Data(bytes).base64EncodedString()
    }

    /// The bytes, or nil when `object` is not base64.
    public var bytes: [UInt8]? { Data(base64Encoded: object).map(Array.init) }
}

/// Why a device is no longer trusted.
public struct WithdrawalDocument: Codable, Hashable, Sendable {
    /// Unix seconds from which its deltas are refused.
    public var effectiveAt: Int64
    /// "revoked: …" or "charter version N: …".
    public var reason: String

    /// Creates a withdrawal entry.
    public init(effectiveAt: Int64, reason: String) {
        self.effectiveAt = effectiveAt
        self.reason = reason
    }
}

/// One device this site knows (`GET /v1/devices`): its own and every certificate it verified.
public struct DeviceDocument: Codable, Hashable, Sendable {
    /// `agency/name`.
    public var device: String
    public var clearance: String
    /// The certificate's serial, hex: what a revocation names.
    public var serial: String
    /// Validity window, Unix seconds.
    public var notBefore: Int64
    public var notAfter: Int64
    /// True for this site's own device.
    public var this: Bool
    /// Set when the device is revoked or withdrawn by the charter; null while trusted.
    public var withdrawn: WithdrawalDocument?

    /// Creates a device entry.
    public init(
        device: String, clearance: String, serial: String, notBefore: Int64, notAfter: Int64, this: Bool,
        withdrawn: WithdrawalDocument?
    ) {
        self.device = device
        self.clearance = clearance
        self.serial = serial
        self.notBefore = notBefore
        self.notAfter = notAfter
        self.this = this
        self.withdrawn = withdrawn
    }

    private enum CodingKeys: String, CodingKey { case device, clearance, serial, notBefore, notAfter, this, withdrawn }

    /// Encodes every key, `withdrawn` as an explicit `null` while the device is trusted.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(device, forKey: .device)
        try container.encode(clearance, forKey: .clearance)
        try container.encode(serial, forKey: .serial)
        try container.encode(notBefore, forKey: .notBefore)
        try container.encode(notAfter, forKey: .notAfter)
        try container.encode(this, forKey: .this)
        try container.encodeOptional(withdrawn, forKey: .withdrawn)
    }
}

/// What `POST /v1/revocations` did.
public struct RevocationResultDocument: Codable, Hashable, Sendable {
    /// The revoked device, `agency/name`.
    public var device: String
    /// The revoked certificate's serial, hex.
    public var serial: String
    public var effectiveAt: Int64
    public var reason: String
    /// False when the site already held this revocation (nothing changed).
    public var learned: Bool
    /// Levels whose epoch key this site rotated because of it.
    public var rotated: [String]

    /// Creates a result.
    public init(device: String, serial: String, effectiveAt: Int64, reason: String, learned: Bool, rotated: [String]) {
        self.device = device
        self.serial = serial
        self.effectiveAt = effectiveAt
        self.reason = reason
        self.learned = learned
        self.rotated = rotated
    }
}

/// What `POST /v1/charter` did.
public struct CharterResultDocument: Codable, Hashable, Sendable {
    /// The charter version the site holds now.
    public var version: UInt64
    /// BLAKE2b-256 of its body, hex.
    public var fingerprint: String
    /// False when the site already held this version.
    public var amended: Bool
    /// Devices the amendment withdrew, `agency/name`.
    public var withdrawn: [String]
    /// Levels whose epoch key this site rotated because of it.
    public var rotated: [String]

    /// Creates a result.
    public init(version: UInt64, fingerprint: String, amended: Bool, withdrawn: [String], rotated: [String]) {
        self.version = version
        self.fingerprint = fingerprint
        self.amended = amended
        self.withdrawn = withdrawn
        self.rotated = rotated
    }
}

/// The epoch keys of each level this site can see (`GET /v1/keys`), and who holds them as far
/// as the grants it has seen tell.
public struct KeysDocument: Codable, Hashable, Sendable {
    /// One epoch key of a level.
    public struct Epoch: Codable, Hashable, Sendable {
        public var number: UInt32
        /// The key id, hex (16 bytes): with `number`, orders concurrent epochs.
        public var keyId: String
        /// Whether this site holds the key.
        public var held: Bool
        /// True for the epoch new writes use.
        public var current: Bool
        /// Devices known to hold it (`agency/name`, or a key prefix for unknown devices), sorted.
        public var holders: [String]

        /// Creates an epoch entry.
        public init(number: UInt32, keyId: String, held: Bool, current: Bool, holders: [String]) {
            self.number = number
            self.keyId = keyId
            self.held = held
            self.current = current
            self.holders = holders
        }
    }

    /// The epochs of one level, oldest first.
    public struct Level: Codable, Hashable, Sendable {
        public var name: String
        public var epochs: [Epoch]

        /// Creates a level entry.
        public init(name: String, epochs: [Epoch]) {
            self.name = name
            self.epochs = epochs
        }
    }

    /// Levels this site is cleared for, lowest first.
    public var levels: [Level]

    /// Creates the document.
    public init(levels: [Level]) {
        self.levels = levels
    }
}
