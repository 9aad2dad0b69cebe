import CairnCrypto

/// An agency's root signing key: it signs charters and device certificates, and nothing else.
///
/// It is made and used at an offline key ceremony (`cairn agency keygen`, `cairn charter sign`,
/// `cairn device certify`) and kept in a 0600 file, ideally sealed with a passphrase. Only
/// the charter's copy of its public key gives it any authority.
public final class AgencyRootKey: Sendable {
    /// The agency this key speaks for; its signatures carry this name as signer.
    public let name: AgencyName
    /// The Ed25519 private key.
    public let privateKey: Ed25519.PrivateKey

    /// The public key to list in the charter.
    public var publicKey: Ed25519.PublicKey { privateKey.publicKey }

    /// Wraps an existing private key (for example one restored from a backup, or a test key).
    public init(name: AgencyName, privateKey: Ed25519.PrivateKey) {
        self.name = name
        self.privateKey = privateKey
    }

    /// A fresh random root key for `name`.
    public static func generate(name: AgencyName) -> AgencyRootKey {
        AgencyRootKey(name: name, privateKey: Ed25519.PrivateKey())
    }

    // MARK: Key files

    /// The armored AGENCY KEY text, sealed under `passphrase` when one is given. Payload:
    /// name length (1 byte), name, 32-byte Ed25519 seed.
    public func armored(passphrase: SecureBytes?, cost: Argon2id.Cost = .moderate) throws -> String {
        let nameBytes = Array(name.value.utf8)
        let payload = SecureBytes(count: 1 + nameBytes.count + Ed25519.seedLength) { out in
            out[0] = UInt8(nameBytes.count)
            out.baseAddress!.advanced(by: 1).copyMemory(from: nameBytes, byteCount: nameBytes.count)
            privateKey.seed.withUnsafeBytes { seed in
                out.baseAddress!.advanced(by: 1 + nameBytes.count).copyMemory(from: seed.baseAddress!, byteCount: seed.count)
            }
        }
        var bytes = try KeyFileFormat.encode(
            magic: KeyFileFormat.agencyMagic, payload: payload, passphrase: passphrase, cost: cost)
        defer { KeyFileFormat.wipe(&bytes) }
        return Armor.encode(kind: .agencyKey, bytes: bytes)
    }

    /// Decodes armored AGENCY KEY text (see `armored(passphrase:cost:)`). The passphrase is
    /// needed only if the file is sealed, and ignored otherwise. Does not check file
    /// permissions: `load(from:passphrase:)` does.
    public convenience init(armored text: String, passphrase: SecureBytes?) throws {
        var bytes = try Armor.decode(text, expecting: .agencyKey)
        defer { KeyFileFormat.wipe(&bytes) }
        let payload = try KeyFileFormat.decode(magic: KeyFileFormat.agencyMagic, bytes: bytes, passphrase: passphrase)
        let (name, seed) = try payload.withUnsafeBytes { raw -> (String, SecureBytes) in
            guard raw.count >= 1, raw.count == 1 + Int(raw[0]) + Ed25519.seedLength else {
                throw TrustError.malformedKeyFile(reason: "agency key payload has the wrong length")
            }
            let nameLength = Int(raw[0])
            let name = String(decoding: raw[1..<(1 + nameLength)], as: UTF8.self)
            return (name, SecureBytes(copying: raw[(1 + nameLength)...]))
        }
        self.init(name: try AgencyName(name), privateKey: try Ed25519.PrivateKey(seed: seed))
    }

    /// Writes a new key file with mode 0600, refusing to overwrite anything.
    public func write(to path: String, passphrase: SecureBytes?, cost: Argon2id.Cost = .moderate) throws {
        try FileIO.createExclusive(path, contents: Array(armored(passphrase: passphrase, cost: cost).utf8), mode: 0o600)
    }

    /// Loads a key file, refusing one that group or others can access.
    public static func load(from path: String, passphrase: SecureBytes?) throws -> AgencyRootKey {
        var bytes = try FileIO.read(path, requirePrivate: true)
        defer { KeyFileFormat.wipe(&bytes) }
        return try AgencyRootKey(armored: String(decoding: bytes, as: UTF8.self), passphrase: passphrase)
    }
}
