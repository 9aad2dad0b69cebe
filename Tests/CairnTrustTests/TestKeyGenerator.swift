import CairnModel
import CairnCrypto
import CairnTestSupport
import Foundation
import Testing

@testable import CairnTrust

/// Derives the test federation of `Keys/test/` from fixed labels (documented in
/// `Keys/README.md`). Everything is deterministic — seeds, federation id, serials, times, and
/// Ed25519 signatures — so regenerating reproduces the committed files byte for byte.
enum TestKeyGenerator {
    /// A 32-byte seed: BLAKE2b-256 of the label's UTF-8 bytes.
    static func seed(_ label: String) -> SecureBytes {
        SecureBytes(copying: BLAKE2b.hash(Array(label.utf8)))
    }

    static func agency(_ name: String) throws -> AgencyRootKey {
        AgencyRootKey(name: try AgencyName(name), privateKey: try Ed25519.PrivateKey(seed: seed("cairn-test-agency-\(name)")))
    }

    static func device(_ ref: String) throws -> DeviceSecretKeys {
        try DeviceSecretKeys(
            signing: Ed25519.PrivateKey(seed: seed("cairn-test-device-\(ref)-signing")),
            wrapping: X25519.PrivateKey(rawRepresentation: seed("cairn-test-device-\(ref)-wrapping")),
            tls: Ed25519.PrivateKey(seed: seed("cairn-test-device-\(ref)-tls")))
    }

    static let federationID = BLAKE2b.hash(Array("cairn-test-federation".utf8), outputLength: 16)

    static func serial(_ ref: String) -> [UInt8] {
        BLAKE2b.hash(Array("cairn-test-serial-\(ref)".utf8), outputLength: 16)
    }

    /// Every fixture file, name and contents, in a stable order.
    static func files() throws -> [(name: String, contents: String)] {
        var files: [(String, String)] = []
        var roots: [String: AgencyRootKey] = [:]
        for (name, _) in TestKeys.agencies {
            let key = try agency(name)
            roots[name] = key
            files.append((TestKeys.agencyKeyFile(name), try key.armored(passphrase: nil)))
        }
        var draft = try Charter.make(
            federationName: TestKeys.federationName, federationID: federationID, version: 1,
            levels: Charter.standardLevels,
            agencies: TestKeys.agencies.map { AgencyInfo(name: roots[$0.name]!.name, rootKey: roots[$0.name]!.publicKey, ceiling: $0.ceiling) },
            threshold: TestKeys.threshold, issuedAt: TestKeys.validFrom)
        for signer in TestKeys.charterSigners { draft = try draft.sign(with: roots[signer]!) }
        let charter = try Charter.verifyGenesis(draft.signed)
        files.append((TestKeys.charterFile, charter.signed.armored()))
        for (ref, clearance) in TestKeys.devices {
            let parsed = try DeviceRef.parse(ref)
            let keys = try device(ref)
            files.append((TestKeys.deviceKeysFile(ref), try keys.armored(passphrase: nil)))
            let request = try CertificationRequest.create(
                keys: keys, agency: parsed.agency, device: parsed.device, createdAt: TestKeys.validFrom)
            files.append((TestKeys.requestFile(ref), request.armored()))
            let certificate = try DeviceCertificate.issue(
                request: CertificationRequest.verify(request), agencyKey: roots[parsed.agency.value]!, charter: charter,
                clearance: clearance, notBefore: TestKeys.validFrom, notAfter: TestKeys.validUntil, serial: serial(ref))
            files.append((TestKeys.certificateFile(ref), certificate.armored()))
        }
        return files
    }

    /// The registry lines: every agency root, then each device's signing, wrapping, TLS keys.
    static func registryEntries() throws -> [(hex: String, comment: String)] {
        var entries: [(String, String)] = []
        for (name, _) in TestKeys.agencies {
            entries.append((Hex.encode(try agency(name).publicKey.bytes), "agency \(name) root"))
        }
        for (ref, _) in TestKeys.devices {
            let keys = try device(ref).publicKeys
            entries.append((Hex.encode(keys.signing.bytes), "\(ref) signing"))
            entries.append((Hex.encode(keys.wrapping.bytes), "\(ref) wrapping"))
            entries.append((Hex.encode(keys.tls.bytes), "\(ref) tls"))
        }
        return entries
    }

    /// The source tree root: this file is <root>/Tests/CairnTrustTests/TestKeyGenerator.swift.
    static var root: String {
        var components = "\(#filePath)".split(separator: "/", omittingEmptySubsequences: false)
        components.removeLast(3)
        return components.joined(separator: "/")
    }
}

@Suite(.serialized) struct TestKeyGeneratorTests {
    /// Rewrites `Keys/test/` and the list in `TestKeyRegistry.swift`. Run it only when the
    /// fixtures must change: `CAIRN_REGENERATE_TEST_KEYS=1 swift test --filter TestKeyGenerator`.
    @Test(.enabled(if: ProcessInfo.processInfo.environment["CAIRN_REGENERATE_TEST_KEYS"] == "1"))
    func regenerate() throws {
        let directory = TestKeyGenerator.root + "/Keys/test"
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        for (name, contents) in try TestKeyGenerator.files() {
            try contents.write(toFile: directory + "/" + name, atomically: true, encoding: .utf8)
        }
        let registryPath = TestKeyGenerator.root + "/Sources/CairnTrust/TestKeyRegistry.swift"
        let source = try String(contentsOfFile: registryPath, encoding: .utf8)
        let begin = try #require(source.range(of: "// GENERATED-BEGIN\n"))
        let end = try #require(source.range(of: "        // GENERATED-END"))
        let lines = try TestKeyGenerator.registryEntries().map { "        \"\($0.hex)\",  // \($0.comment)\n" }
        let updated = String(source[..<begin.upperBound]) + lines.joined() + String(source[end.lowerBound...])
        try updated.write(toFile: registryPath, atomically: true, encoding: .utf8)
    }

    @Test func committedFixturesAreExactlyWhatTheGeneratorMakes() throws {
        let expected = try TestKeyGenerator.files()
        for (name, contents) in expected {
            let committed = try String(contentsOfFile: TestKeys.path(name), encoding: .utf8)
            #expect(committed == contents, "\(name) differs from the generator's output")
        }
        let present = try FileManager.default.contentsOfDirectory(atPath: TestKeys.directory).sorted()
        #expect(present == expected.map(\.name).sorted())
    }

    @Test func registryListsExactlyThePublicKeysOfTheKeyFilesInKeysTest() throws {
        var found: [String] = []
        for file in try FileManager.default.contentsOfDirectory(atPath: TestKeys.directory) {
            let text = try String(contentsOfFile: TestKeys.path(file), encoding: .utf8)
            switch try Armor.kind(of: text) {
            case .agencyKey:
                found.append(Hex.encode(try AgencyRootKey(armored: text, passphrase: nil).publicKey.bytes))
            case .deviceKeys:
                let keys = try DeviceSecretKeys(armored: text, passphrase: nil).publicKeys
                found += [keys.signing.bytes, keys.wrapping.bytes, keys.tls.bytes].map(Hex.encode)
            default:
                continue
            }
        }
        #expect(found.count == 3 + 4 * 3)
        #expect(found.sorted() == TestKeyRegistry.publicKeysHex.sorted())
        #expect(Set(TestKeyRegistry.publicKeysHex).count == TestKeyRegistry.publicKeysHex.count)
        #expect(try TestKeyGenerator.registryEntries().map(\.hex) == TestKeyRegistry.publicKeysHex)
    }
}
