import CairnCrypto
import CairnTestSupport
import Foundation
import Testing

@testable import CairnTrust

@Suite struct KeyFileTests {
    let passphrase = SecureBytes(copying: Array("correct horse battery staple".utf8))
    let cost = Argon2id.Cost.interactive

    private func mode(of path: String) throws -> Int {
        try #require(FileManager.default.attributesOfItem(atPath: path)[.posixPermissions] as? Int)
    }

    @Test func agencyKeyRoundTripsWithoutPassphraseInA0600File() throws {
        let directory = try TemporaryDirectory()
        let key = AgencyRootKey.generate(name: try AgencyName("alpha-2"))
        let path = directory.file("alpha.agency-key")
        try key.write(to: path, passphrase: nil)
        #expect(try mode(of: path) == 0o600)
        let loaded = try AgencyRootKey.load(from: path, passphrase: nil)
        #expect(loaded.name == key.name)
        #expect(loaded.publicKey == key.publicKey)
        #expect(loaded.privateKey.seed == key.privateKey.seed)
    }

    @Test func agencyKeyRoundTripsWithPassphrase() throws {
        let directory = try TemporaryDirectory()
        let key = AgencyRootKey.generate(name: try AgencyName("bravo"))
        let path = directory.file("bravo.agency-key")
        try key.write(to: path, passphrase: passphrase, cost: cost)
        let loaded = try AgencyRootKey.load(from: path, passphrase: passphrase)
        #expect(loaded.name == key.name)
        #expect(loaded.publicKey == key.publicKey)
        // Sealed: the seed does not appear in the file.
        let plain = try Armor.decode(key.armored(passphrase: nil), expecting: .agencyKey)
        let sealed = try Armor.decode(String(contentsOfFile: path, encoding: .utf8), expecting: .agencyKey)
        #expect(sealed[8] == KeyFileFormat.sealedFlag)
        #expect(!sealed.contains(plain.suffix(32)))
    }

    @Test func deviceKeysRoundTripWithoutPassphrase() throws {
        let directory = try TemporaryDirectory()
        let keys = DeviceSecretKeys.generate()
        let path = directory.file("device.keys")
        try keys.write(to: path, passphrase: nil)
        #expect(try mode(of: path) == 0o600)
        let loaded = try DeviceSecretKeys.load(from: path, passphrase: nil)
        #expect(loaded.publicKeys == keys.publicKeys)
        #expect(loaded.deviceID == keys.deviceID)
        #expect(loaded.deviceID.bytes == keys.signing.publicKey.bytes)
        #expect(loaded.wrapping.rawRepresentation == keys.wrapping.rawRepresentation)
    }

    @Test func deviceKeysRoundTripWithPassphrase() throws {
        let directory = try TemporaryDirectory()
        let keys = DeviceSecretKeys.generate()
        let path = directory.file("device.keys")
        try keys.write(to: path, passphrase: passphrase, cost: cost)
        let loaded = try DeviceSecretKeys.load(from: path, passphrase: passphrase)
        #expect(loaded.publicKeys == keys.publicKeys)
        #expect(loaded.tls.seed == keys.tls.seed)
    }

    @Test func wrongPassphraseIsRefused() throws {
        let text = try DeviceSecretKeys.generate().armored(passphrase: passphrase, cost: cost)
        #expect(throws: TrustError.wrongPassphrase) {
            try DeviceSecretKeys(armored: text, passphrase: SecureBytes(copying: Array("wrong".utf8)))
        }
    }

    @Test func sealedFileWithoutPassphraseAsksForOne() throws {
        let text = try AgencyRootKey.generate(name: try AgencyName("alpha")).armored(passphrase: passphrase, cost: cost)
        #expect(throws: TrustError.passphraseRequired) { try AgencyRootKey(armored: text, passphrase: nil) }
    }

    @Test func alteredSealedHeaderIsRefused() throws {
        // The header (cost, salt) is associated data: changing it breaks the seal.
        let text = try AgencyRootKey.generate(name: try AgencyName("alpha")).armored(passphrase: passphrase, cost: cost)
        var bytes = try Armor.decode(text, expecting: .agencyKey)
        bytes[30] ^= 0x01  // inside the salt
        #expect(throws: TrustError.wrongPassphrase) {
            try AgencyRootKey(armored: Armor.encode(kind: .agencyKey, bytes: bytes), passphrase: passphrase)
        }
    }

    @Test func absurdCostInAFileIsRefusedBeforeDerivation() throws {
        var bytes = KeyFileFormat.agencyMagic + [KeyFileFormat.sealedFlag]
        bytes += [0, 0, 0, 0, 0, 0, 0, 2] + [0, 0, 0, 1, 0, 0, 0, 0]  // 2 ops, 4 GiB
        bytes += [UInt8](repeating: 0, count: 16 + 24 + 16 + 40)
        #expect(throws: TrustError.malformedKeyFile(reason: "Argon2id cost out of range")) {
            try AgencyRootKey(armored: Armor.encode(kind: .agencyKey, bytes: bytes), passphrase: passphrase)
        }
    }

    @Test(arguments: [0o644, 0o640, 0o604, 0o660])
    func keyFileReadableByOthersIsRefused(mode: Int) throws {
        let directory = try TemporaryDirectory()
        let path = directory.file("open.keys")
        try DeviceSecretKeys.generate().write(to: path, passphrase: nil)
        try FileManager.default.setAttributes([.posixPermissions: mode], ofItemAtPath: path)
        #expect(throws: TrustError.keyFilePermissions(path: path, mode: UInt32(mode))) {
            try DeviceSecretKeys.load(from: path, passphrase: nil)
        }
        let agencyPath = directory.file("open.agency-key")
        try AgencyRootKey.generate(name: try AgencyName("alpha")).write(to: agencyPath, passphrase: nil)
        try FileManager.default.setAttributes([.posixPermissions: mode], ofItemAtPath: agencyPath)
        #expect(throws: TrustError.keyFilePermissions(path: agencyPath, mode: UInt32(mode))) {
            try AgencyRootKey.load(from: agencyPath, passphrase: nil)
        }
    }

    @Test func existingFilesAreNeverOverwritten() throws {
        let directory = try TemporaryDirectory()
        let path = directory.file("alpha.agency-key")
        let first = AgencyRootKey.generate(name: try AgencyName("alpha"))
        try first.write(to: path, passphrase: nil)
        #expect(throws: TrustError.fileExists(path: path)) {
            try AgencyRootKey.generate(name: try AgencyName("alpha")).write(to: path, passphrase: nil)
        }
        #expect(throws: TrustError.fileExists(path: path)) {
            try DeviceSecretKeys.generate().write(to: path, passphrase: nil)
        }
        #expect(try AgencyRootKey.load(from: path, passphrase: nil).publicKey == first.publicKey)
    }

    @Test func missingFileSaysSo() throws {
        let directory = try TemporaryDirectory()
        let path = directory.file("absent")
        #expect(throws: TrustError.fileError(path: path, operation: "open", reason: "No such file or directory")) {
            try AgencyRootKey.load(from: path, passphrase: nil)
        }
    }

    @Test func aKeyFileOfTheOtherKindIsRefused() throws {
        let agencyText = try AgencyRootKey.generate(name: try AgencyName("alpha")).armored(passphrase: nil)
        #expect(throws: TrustError.wrongKind(expected: "DEVICE KEYS", found: "AGENCY KEY")) {
            try DeviceSecretKeys(armored: agencyText, passphrase: nil)
        }
        // The right label around the wrong layout.
        let bytes = try Armor.decode(agencyText, expecting: .agencyKey)
        #expect(throws: TrustError.malformedKeyFile(reason: "unknown magic; not a CAIRNDK1 key file")) {
            try DeviceSecretKeys(armored: Armor.encode(kind: .deviceKeys, bytes: bytes), passphrase: nil)
        }
    }

    @Test func malformedPayloadsAreRefused() throws {
        #expect(throws: TrustError.malformedKeyFile(reason: "agency key payload has the wrong length")) {
            try AgencyRootKey(
                armored: Armor.encode(kind: .agencyKey, bytes: KeyFileFormat.agencyMagic + [0, 5, 0x61]), passphrase: nil)
        }
        #expect(throws: TrustError.malformedKeyFile(reason: "unknown flags 2")) {
            try DeviceSecretKeys(
                armored: Armor.encode(kind: .deviceKeys, bytes: KeyFileFormat.deviceMagic + [2, 0]), passphrase: nil)
        }
        let badName = KeyFileFormat.agencyMagic + [0, 5] + Array("ALPHA".utf8) + [UInt8](repeating: 1, count: 32)
        #expect(throws: TrustError.invalidAgencyName("ALPHA")) {
            try AgencyRootKey(armored: Armor.encode(kind: .agencyKey, bytes: badName), passphrase: nil)
        }
    }

    @Test func deviceKeysRefuseOneKeyForTwoPurposes() throws {
        let seed = SecureRandom.secret(32)
        #expect(throws: TrustError.keyReuse("The device's signing and TLS keys")) {
            try DeviceSecretKeys(
                signing: Ed25519.PrivateKey(seed: seed), wrapping: X25519.PrivateKey(), tls: Ed25519.PrivateKey(seed: seed))
        }
    }

    @Test func testKeysLoadThroughAPrivateCopy() throws {
        let path = try TestKeys.privateCopy(of: TestKeys.agencyKeyFile("alpha"))
        defer { try? FileManager.default.removeItem(atPath: URL(fileURLWithPath: path).deletingLastPathComponent().path) }
        #expect(try mode(of: path) == 0o600)
        #expect(try AgencyRootKey.load(from: path, passphrase: nil).publicKey == Fixture.alpha.publicKey)
    }
}
