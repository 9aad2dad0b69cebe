import CairnCrypto
import CairnModel

/// A verified device certificate: an agency root's statement that a device of that agency,
/// with these keys, may read and write up to `clearance` during a validity window.
///
/// Only `verify` makes one, so holding a `DeviceCertificate` means it chains to the charter it
/// was verified with. Peers pin `tlsKey`, seal epoch keys to `wrappingKey`, and check deltas
/// against `signingKey`.
public struct DeviceCertificate: Hashable, Sendable {
    /// `agency/device`.
    public let ref: DeviceRef
    /// The device's id (its signing key).
    public let deviceID: DeviceID
    /// The device's public keys.
    public let publicKeys: DevicePublicKeys
    /// The highest level the device may read and write.
    public let clearance: String
    /// Start of validity, Unix seconds, inclusive.
    public let notBefore: Int64
    /// End of validity, Unix seconds, exclusive.
    public let notAfter: Int64
    /// 16 random bytes; what a revocation names.
    public let serial: [UInt8]
    /// The charter version it was issued under (informational).
    public let charterVersion: UInt64
    /// The object exactly as verified.
    public let signed: SignedObject

    /// The issuing agency.
    public var agency: AgencyName { ref.agency }
    /// The device's name within its agency.
    public var device: DeviceName { ref.device }
    /// Signs the device's deltas and grants.
    public var signingKey: Ed25519.PublicKey { publicKeys.signing }
    /// Receives epoch keys.
    public var wrappingKey: X25519.PublicKey { publicKeys.wrapping }
    /// The TLS identity peers pin.
    public var tlsKey: Ed25519.PublicKey { publicKeys.tls }
    /// `serial` in lowercase hex.
    public var serialHex: String { Hex.encode(serial) }

    /// The length of a serial.
    public static let serialLength = 16

    /// Whether this certificate was issued for exactly the keys `keys` holds.
    public func matches(_ keys: DeviceSecretKeys) -> Bool {
        publicKeys == keys.publicKeys
    }

    /// Throws `certificateKeysMismatch` unless `matches(keys)`: what a daemon checks at start,
    /// so it never runs with a certificate made for another machine.
    public func requireMatches(_ keys: DeviceSecretKeys) throws {
        guard matches(keys) else { throw TrustError.certificateKeysMismatch(ref: ref.description) }
    }

    /// Whether the certificate is valid at `now` (Unix seconds).
    public func isValid(at now: Int64) -> Bool {
        notBefore <= now && now < notAfter
    }
}
