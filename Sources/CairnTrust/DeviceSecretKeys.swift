import CairnCrypto
import CairnModel

/// The public halves of a device's keys, as a certificate binds them.
public struct DevicePublicKeys: Hashable, Sendable {
    /// Signs the device's deltas and grants; also the device's id.
    public let signing: Ed25519.PublicKey
    /// Receives epoch keys in sealed boxes.
    public let wrapping: X25519.PublicKey
    /// The device's TLS identity, pinned by peers.
    public let tls: Ed25519.PublicKey

    /// Groups three public keys.
    public init(signing: Ed25519.PublicKey, wrapping: X25519.PublicKey, tls: Ed25519.PublicKey) {
        self.signing = signing
        self.wrapping = wrapping
        self.tls = tls
    }
}

/// A device's secret keys: one key per purpose, never shared between two machines.
///
/// Made by `cairnd init` and kept in the daemon's state directory in a 0600 file, sealed with a
/// passphrase or a systemd credential where the site can. The certificate its agency issues
/// binds the public halves to the device's name and clearance.
public final class DeviceSecretKeys: Sendable {
    /// Signs deltas, grants and the certification request.
    public let signing: Ed25519.PrivateKey
    /// Opens the sealed boxes that carry epoch keys.
    public let wrapping: X25519.PrivateKey
    /// The TLS identity key.
    public let tls: Ed25519.PrivateKey
    /// The device's id: its signing public key.
    public let deviceID: DeviceID

    /// Groups three existing keys; throws `keyReuse` if the signing and TLS keys are one key.
    public init(signing: Ed25519.PrivateKey, wrapping: X25519.PrivateKey, tls: Ed25519.PrivateKey) throws {
        guard signing.publicKey != tls.publicKey else { throw TrustError.keyReuse("The device's signing and TLS keys") }
        self.signing = signing
        self.wrapping = wrapping
        self.tls = tls
        deviceID = try DeviceKeyCheck.deviceID(signing.publicKey)
    }

    /// Fresh random keys for a new device.
    public static func generate() -> DeviceSecretKeys {
        // Two independent random Ed25519 keys are equal with probability 2^-252; retrying keeps
        // this function total without a trap.
        while true {
            if let keys = try? DeviceSecretKeys(
                signing: Ed25519.PrivateKey(), wrapping: X25519.PrivateKey(), tls: Ed25519.PrivateKey())
            {
                return keys
            }
        }
    }

    /// The public halves, for a certification request or a comparison with a certificate.
    public var publicKeys: DevicePublicKeys {
        DevicePublicKeys(signing: signing.publicKey, wrapping: wrapping.publicKey, tls: tls.publicKey)
    }

    // MARK: Key files

    private static let payloadLength = Ed25519.seedLength + X25519.keyLength + Ed25519.seedLength

    /// The armored DEVICE KEYS text, sealed under `passphrase` when one is given. Payload:
    /// signing seed (32), wrapping secret (32), TLS seed (32).
    public func armored(passphrase: SecureBytes?, cost: Argon2id.Cost = .moderate) throws -> String {
        let payload = SecureBytes(count: Self.payloadLength) { out in
            var offset = 0
            for secret in [signing.seed, wrapping.rawRepresentation, tls.seed] {
                secret.withUnsafeBytes { raw in
                    out.baseAddress!.advanced(by: offset).copyMemory(from: raw.baseAddress!, byteCount: raw.count)
                    offset += raw.count
                }
            }
        }
        var bytes = try KeyFileFormat.encode(
            magic: KeyFileFormat.deviceMagic, payload: payload, passphrase: passphrase, cost: cost)
        defer { KeyFileFormat.wipe(&bytes) }
        return Armor.encode(kind: .deviceKeys, bytes: bytes)
    }

    /// Decodes armored DEVICE KEYS text. The passphrase is needed only if the file is sealed.
    /// Does not check file permissions: `load(from:passphrase:)` does.
    public convenience init(armored text: String, passphrase: SecureBytes?) throws {
        var bytes = try Armor.decode(text, expecting: .deviceKeys)
        defer { KeyFileFormat.wipe(&bytes) }
        let payload = try KeyFileFormat.decode(magic: KeyFileFormat.deviceMagic, bytes: bytes, passphrase: passphrase)
        guard payload.count == Self.payloadLength else {
            throw TrustError.malformedKeyFile(reason: "device key payload has the wrong length")
        }
        let parts = payload.withUnsafeBytes { raw in
            (0..<3).map { SecureBytes(copying: raw[($0 * 32)..<($0 * 32 + 32)]) }
        }
        try self.init(
            signing: Ed25519.PrivateKey(seed: parts[0]), wrapping: X25519.PrivateKey(rawRepresentation: parts[1]),
            tls: Ed25519.PrivateKey(seed: parts[2]))
    }

    /// Writes a new key file with mode 0600, refusing to overwrite anything.
    public func write(to path: String, passphrase: SecureBytes?, cost: Argon2id.Cost = .moderate) throws {
        try FileIO.createExclusive(path, contents: Array(armored(passphrase: passphrase, cost: cost).utf8), mode: 0o600)
    }

    /// Loads a key file, refusing one that group or others can access.
    public static func load(from path: String, passphrase: SecureBytes?) throws -> DeviceSecretKeys {
        var bytes = try FileIO.read(path, requirePrivate: true)
        defer { KeyFileFormat.wipe(&bytes) }
        return try DeviceSecretKeys(armored: String(decoding: bytes, as: UTF8.self), passphrase: passphrase)
    }
}
