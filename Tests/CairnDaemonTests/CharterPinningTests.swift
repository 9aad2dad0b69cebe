import CairnModel
import CairnTestSupport
import Foundation
import Testing

@testable import CairnDaemon

/// `device.charter_fingerprint` pins the federation: a site refuses any other genesis charter,
/// however validly signed, and a store of another federation.
@Suite struct CharterPinningTests {
    @Test func configParsesAndChecksTheFingerprint() {
        let good = String(repeating: "ab", count: 32)
        let (config, problems) = DaemonConfig.parse(
            minimalConfigText(device: ["charter_fingerprint = \"\(good)\""]),
            path: "/etc/cairn/cairnd.toml")
        #expect(problems.isEmpty)
        #expect(config?.charterFingerprint == [UInt8](repeating: 0xab, count: 32))
        let (_, bad) = DaemonConfig.parse(
            minimalConfigText(device: ["charter_fingerprint = \"abc\""]),
            path: "/etc/cairn/cairnd.toml")
        #expect(bad.map(\.key) == ["device.charter_fingerprint"])
        #expect(bad.first?.line == 5)
    }

    @Test func theRightFingerprintStartsAndAWrongOneIsRefused() throws {
        try withTemporaryDirectory { directory in
            var config = try SiteFixture.config(in: directory)
            config.charterFingerprint = [UInt8](repeating: 0x42, count: 32)
            let refusal = SiteFixture.startupRefusal(config)
            #expect("\(refusal.map { "\($0)" } ?? "")".contains("fingerprint"))

            config.charterFingerprint = TestKeys.charter().fingerprint
            try SiteFixture.withSite(config) { site in
                #expect(site.identity.charter.fingerprint == TestKeys.charter().fingerprint)
            }
            // The store now holds this federation; pinning another one is refused by name.
            config.charterFingerprint = [UInt8](repeating: 0x42, count: 32)
            let again = SiteFixture.startupRefusal(config)
            #expect("\(again.map { "\($0)" } ?? "")".contains("this store belongs to the federation"))
        }
    }
}
