import CairnControl
import CairnCrypto
import CairnTestSupport
import CairnTrust
import Foundation
import Testing

@testable import CairnDaemon

/// What `SiteLoader` refuses to start on, each with a message that says what is wrong.
@Suite struct SiteStartupTests {
    @Test func firstStartCreatesAPrivateStateDirectory() throws {
        try withTemporaryDirectory { directory in
            let config = try SiteFixture.config(in: directory)
            #expect(config.stateDirectory == directory + "/state")
            try SiteFixture.withSite(config) { site in
                #expect(site.kernel.testMode)
                #expect(site.identity.ref == "alpha/hq")
            }
            #expect(try mode(of: directory + "/state") == 0o700)
            #expect(try mode(of: directory + "/state/cairn.sqlite") == 0o600)
        }
    }

    @Test func refusesAStateDirectoryOthersCanRead() throws {
        try withTemporaryDirectory { directory in
            let config = try SiteFixture.config(in: directory)
            #expect(mkdir(config.stateDirectory, 0o700) == 0)
            #expect(chmod(config.stateDirectory, 0o755) == 0)
            let error = SiteFixture.startupRefusal(config)
            guard case .insecurePermissions(let path, let mode, _)? = error else {
                Issue.record("expected insecurePermissions, got \(String(describing: error))")
                return
            }
            #expect(path == config.stateDirectory)
            #expect(mode == 0o755)
            #expect("\(error!)".contains("755"))
            #expect(!FileManager.default.fileExists(atPath: config.stateDirectory + "/cairn.sqlite"))
        }
    }

    @Test func refusesACertificateOutsideItsValidity() throws {
        try withTemporaryDirectory { directory in
            let config = try SiteFixture.config(in: directory)
            let expired = SiteFixture.startupRefusal(config, now: TestKeys.validUntil)
            #expect(expired?.startupMessage?.contains("expired") == true, "\(String(describing: expired))")
            let early = SiteFixture.startupRefusal(config, now: TestKeys.validFrom - 1)
            #expect(early?.startupMessage?.contains("valid only from") == true, "\(String(describing: early))")
            // Just inside the window it starts.
            try SiteFixture.withSite(config, now: TestKeys.validUntil - 1) { _ in }
        }
    }

    @Test func refusesACertificateForOtherKeys() throws {
        try withTemporaryDirectory { directory in
            let config = try SiteFixture.config(
                in: directory, device: "alpha/hq", certificate: TestKeys.certificate("alpha/laptop"))
            let error = SiteFixture.startupRefusal(config)
            #expect(error?.startupMessage?.contains("issued for other keys") == true, "\(String(describing: error))")
        }
    }

    @Test func refusesACertificateOfAnotherFederation() throws {
        // Same agency root (alpha's test key), another federation: the signature verifies, the
        // federation id does not match.
        let alpha = TestKeys.agency("alpha")
        let foreign = try Self.genesis(name: "elsewhere", roots: [alpha])
        let request = try CertificationRequest.verify(TestKeys.request("alpha/hq"))
        let sameRoot = try DeviceCertificate.issue(
            request: request, agencyKey: alpha, charter: foreign, clearance: "SECRET",
            notBefore: TestKeys.validFrom, notAfter: TestKeys.validUntil)
        // Another root that calls itself alpha: its key is not alpha's root key in this charter.
        let impostor = AgencyRootKey.generate(name: try AgencyName("alpha"))
        let other = try Self.genesis(name: "elsewhere", roots: [impostor])
        let otherRoot = try DeviceCertificate.issue(
            request: request, agencyKey: impostor, charter: other, clearance: "SECRET",
            notBefore: TestKeys.validFrom, notAfter: TestKeys.validUntil)

        try withTemporaryDirectory { directory in
            let first = SiteFixture.startupRefusal(try SiteFixture.config(in: directory, certificate: sameRoot))
            #expect(first?.startupMessage?.contains("belongs to federation") == true, "\(String(describing: first))")
            let second = SiteFixture.startupRefusal(try SiteFixture.config(in: directory, certificate: otherRoot))
            #expect(second?.startupMessage?.contains("not alpha's root key") == true, "\(String(describing: second))")
        }
    }

    @Test func refusesTestKeysOutsideTestMode() throws {
        try withTemporaryDirectory { directory in
            let config = try SiteFixture.config(in: directory, testMode: false)
            let error = SiteFixture.startupRefusal(config)
            let message = error?.startupMessage ?? ""
            #expect(message.contains("published test key"), "\(String(describing: error))")
            #expect(message.contains("test mode"))
        }
    }

    @Test func startsWithRealKeysOutsideTestModeAndReadsThePassphraseFile() throws {
        let root = AgencyRootKey.generate(name: try AgencyName("delta"))
        let charter = try Self.genesis(name: "production", roots: [root])
        let keys = DeviceSecretKeys.generate()
        let request = try CertificationRequest.verify(
            CertificationRequest.create(
                keys: keys, agency: try AgencyName("delta"), device: try DeviceName("hq"), createdAt: TestKeys.validFrom))
        let certificate = try DeviceCertificate.issue(
            request: request, agencyKey: root, charter: charter, clearance: "RESTRICTED",
            notBefore: TestKeys.validFrom, notAfter: TestKeys.validUntil)
        try withTemporaryDirectory { directory in
            let passphrase = SecureBytes(copying: Array("correct horse".utf8))
            try keys.write(to: directory + "/device.keys", passphrase: passphrase, cost: .interactive)
            try writeFile(directory + "/device.cert", certificate.armored())
            try writeFile(directory + "/charter.cairn", charter.signed.armored())
            try writeFile(directory + "/passphrase", "correct horse\n", mode: 0o600)
            let text = """
                [device]
                keys = "device.keys"
                certificate = "device.cert"
                charter = "charter.cairn"
                passphrase_file = "passphrase"
                [store]
                state_dir = "state"
                [control]
                socket = "cairnd.sock"
                [daemon]
                test_mode = false
                """
            try writeFile(directory + "/cairnd.toml", text)
            let config = try DaemonConfig.load(path: directory + "/cairnd.toml")
            try SiteFixture.withSite(config) { site in
                let status = try site.status.statusDocument()
                #expect(status.device.ref == "delta/hq")
                #expect(!status.testMode)
                #expect(status.levels.map(\.name) == ["UNCLASSIFIED", "RESTRICTED"])
                #expect(status.deltas == 0)  // keys are minted on a level's first write
            }
            try writeFile(directory + "/passphrase", "wrong horse\n", mode: 0o600)
            let error = SiteFixture.startupRefusal(config)
            #expect(error?.startupMessage?.hasPrefix("cannot load the device keys") == true, "\(String(describing: error))")
        }
    }

    @Test func acceptsTheNextCharterAndRefusesToRollBack() throws {
        let v1 = TestKeys.charter()
        let draft = try Charter.make(
            federationName: v1.federationName, federationID: v1.federationID, version: 2, levels: v1.levels.names,
            agencies: v1.agencies, threshold: v1.threshold, issuedAt: TestKeys.validFrom + 86_400)
        let v2 = try draft.sign(with: TestKeys.agency("alpha")).sign(with: TestKeys.agency("charlie")).signed
        try withTemporaryDirectory { directory in
            // A first start with the genesis, then the successor: accepted, and the store keeps both.
            try SiteFixture.withSite(try SiteFixture.config(in: directory)) { site in
                #expect(site.identity.charter.version == 1)
            }
            let upgraded = try SiteFixture.config(in: directory, charter: v2)
            try SiteFixture.withSite(upgraded) { site in
                let status = try site.status.statusDocument()
                #expect(status.federation.charterVersion == 2)
                #expect(site.identity.charter.fingerprint == BLAKE2b.hash(v2.body))
            }
            // Configured v2 again: accepted as the same version.
            try SiteFixture.withSite(upgraded) { site in #expect(site.identity.charter.version == 2) }
            // Back to v1, the genesis of the history held: v2 stays in force (an amendment
            // received at run time must not keep a site from restarting).
            let outdated = try SiteFixture.config(in: directory, charter: v1.signed)
            try SiteFixture.withSite(outdated) { site in #expect(site.trust.charter().version == 2) }
            // A version 1 that is not the one held is a rollback: refused.
            let other = try Charter.make(
                federationName: v1.federationName, federationID: v1.federationID, version: 1, levels: v1.levels.names,
                agencies: v1.agencies, threshold: v1.threshold, issuedAt: TestKeys.validFrom + 1)
            let forkedV1 = try other.sign(with: TestKeys.agency("alpha")).sign(with: TestKeys.agency("bravo")).signed
            let rolledBack = try SiteFixture.config(in: directory, charter: forkedV1)
            let error = SiteFixture.startupRefusal(rolledBack)
            let message = error?.startupMessage ?? ""
            #expect(message.contains("version 1") && message.contains("version 2"), "\(String(describing: error))")
            #expect(message.contains("never rolled back"))
        }
    }

    @Test func startsFromV2OnAnEmptyStoreOnlyAsAGenesis() throws {
        let v1 = TestKeys.charter()
        let draft = try Charter.make(
            federationName: v1.federationName, federationID: v1.federationID, version: 2, levels: v1.levels.names,
            agencies: v1.agencies, threshold: v1.threshold, issuedAt: TestKeys.validFrom + 86_400)
        let v2 = try draft.sign(with: TestKeys.agency("alpha")).sign(with: TestKeys.agency("bravo")).signed
        try withTemporaryDirectory { directory in
            let error = SiteFixture.startupRefusal(try SiteFixture.config(in: directory, charter: v2))
            #expect(error?.startupMessage?.contains("not acceptable") == true, "\(String(describing: error))")
        }
    }

    @Test func refusesAStoreOfAnotherDevice() throws {
        try withTemporaryDirectory { directory in
            try SiteFixture.withSite(try SiteFixture.config(in: directory, device: "alpha/hq")) { site in
                _ = try site.records.put(PutRecordRequest(type: "memo", classification: "SECRET"))
            }
            let laptop = try SiteFixture.config(in: directory, device: "alpha/laptop")
            #expect(laptop.stateDirectory == directory + "/state")
            let error = SiteFixture.startupRefusal(laptop)
            #expect(error?.startupMessage?.contains("belongs to another device") == true, "\(String(describing: error))")
            // The rightful owner still starts and still holds its record.
            try SiteFixture.withSite(try SiteFixture.config(in: directory, device: "alpha/hq")) { site in
                let status = try site.status.statusDocument()
                #expect(status.records == 1)
            }
        }
    }

    /// A verified genesis charter of a new federation, each root signing, threshold 1.
    static func genesis(name: String, roots: [AgencyRootKey]) throws -> Charter {
        var draft = try Charter.make(
            federationName: name, agencies: roots.map { AgencyInfo(name: $0.name, rootKey: $0.publicKey, ceiling: "SECRET") },
            threshold: 1, issuedAt: TestKeys.validFrom)
        for root in roots { draft = try draft.sign(with: root) }
        return try Charter.verifyGenesis(draft.signed)
    }
}
