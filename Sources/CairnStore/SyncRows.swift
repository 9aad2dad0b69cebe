/// A device certificate this site has verified and keeps, so that it can check the deltas the
/// device authors (relayed by anyone) and pin the device's TLS key.
public struct DeviceRow: Hashable, Sendable {
    /// The device's signing key (32 bytes): its id and the author key of its deltas.
    public var signingKey: [UInt8]
    public var agency: String
    public var name: String
    /// The highest level the device is certified for.
    public var clearance: String
    /// The Ed25519 key the device proves in TLS handshakes (32 bytes).
    public var tlsKey: [UInt8]
    /// End of the certificate's validity, Unix seconds (exclusive).
    public var notAfter: Int64
    /// The serialized signed certificate, verbatim, to pass on to peers.
    public var certificate: [UInt8]
    /// When this site learned it.
    public var learnedAt: Int64

    /// Builds a device row.
    public init(
        signingKey: [UInt8], agency: String, name: String, clearance: String, tlsKey: [UInt8], notAfter: Int64,
        certificate: [UInt8], learnedAt: Int64
    ) {
        self.signingKey = signingKey
        self.agency = agency
        self.name = name
        self.clearance = clearance
        self.tlsKey = tlsKey
        self.notAfter = notAfter
        self.certificate = certificate
        self.learnedAt = learnedAt
    }
}

/// A stored delta that could not be applied yet because its epoch key is not held.
public struct UnappliedDelta: Hashable, Sendable {
    /// The delta's id (stored in the same batch or earlier).
    public var deltaID: [UInt8]
    public var level: String
    public var epochNumber: UInt32
    public var epochKeyID: [UInt8]

    /// Names a delta waiting for the key (level, number, key id).
    public init(deltaID: [UInt8], level: String, epochNumber: UInt32, epochKeyID: [UInt8]) {
        self.deltaID = deltaID
        self.level = level
        self.epochNumber = epochNumber
        self.epochKeyID = epochKeyID
    }
}

/// That `recipient` was granted the epoch key (level, number, key id), by any device.
public struct GrantSeen: Hashable, Sendable {
    public var level: String
    public var epochNumber: UInt32
    public var epochKeyID: [UInt8]
    /// The recipient's signing key (32 bytes).
    public var recipient: [UInt8]

    /// Records one grant.
    public init(level: String, epochNumber: UInt32, epochKeyID: [UInt8], recipient: [UInt8]) {
        self.level = level
        self.epochNumber = epochNumber
        self.epochKeyID = epochKeyID
        self.recipient = recipient
    }
}

/// A peer an admin added with `cairn peer add` (peers from the configuration file are not
/// stored).
public struct PeerRow: Hashable, Sendable {
    /// Local name, [a-z0-9-]{1,64}.
    public var name: String
    /// HOST:PORT.
    public var address: String
    /// When it was added, Unix milliseconds.
    public var addedAt: Int64

    /// Builds a peer row.
    public init(name: String, address: String, addedAt: Int64) {
        self.name = name
        self.address = address
        self.addedAt = addedAt
    }
}
