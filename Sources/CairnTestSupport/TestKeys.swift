import CairnCrypto
import CairnTrust

import Foundation

/// The deterministic test federation committed in `Keys/test/`: three agencies, four devices,
/// a genesis charter and a certificate per device (see `Keys/README.md` for how they are
/// derived and regenerated).
///
/// Keys are loaded from the armored bytes, not through the 0600-checking file loaders: git
/// cannot store mode 0600, and tests that need a real key file get one from `privateCopy(of:)`.
/// Every key here is public; `TestKeyRegistry` makes the daemon refuse them outside test mode.
/// A missing or invalid fixture is a broken checkout, so loaders trap with a message saying how
/// to regenerate rather than making every test handle an error.
public enum TestKeys {
    /// The agencies, with the ceilings the charter gives them.
    public static let agencies: [(name: String, ceiling: String)] = [
        ("alpha", "SECRET"), ("bravo", "CONFIDENTIAL"), ("charlie", "RESTRICTED"),
    ]
    /// The devices, with the clearances their certificates give them.
    public static let devices: [(ref: String, clearance: String)] = [
        ("alpha/hq", "SECRET"), ("alpha/laptop", "SECRET"), ("bravo/hq", "CONFIDENTIAL"),
        ("charlie/hq", "RESTRICTED"),
    ]
    /// The agencies whose roots signed the genesis charter.
    public static let charterSigners = ["alpha", "bravo"]
    /// The federation's name in the charter.
    public static let federationName = "test-federation"
    /// The charter's threshold.
    public static let threshold = 2
    /// 2026-01-01T00:00:00Z: the charter's issue time, the requests' creation time and the
    /// certificates' start of validity.
    public static let validFrom: Int64 = 1_767_225_600
    /// 2036-01-01T00:00:00Z: the certificates' end of validity.
    public static let validUntil: Int64 = 2_082_758_400
    /// 2027-01-01T00:00:00Z: a time inside every certificate's window, for `verify(now:)`.
    public static let now: Int64 = 1_798_761_600

    /// The directory holding the fixtures: `$CAIRN_TEST_KEYS_DIR`, or `Keys/test/` of this
    /// source tree.
    public static var directory: String {
        if let override = ProcessInfo.processInfo.environment["CAIRN_TEST_KEYS_DIR"], !override.isEmpty {
            return override
        }
        // #filePath is <root>/Sources/CairnTestSupport/TestKeys.swift.
        var components = "\(#filePath)".split(separator: "/", omittingEmptySubsequences: false)
        components.removeLast(3)
        return components.joined(separator: "/") + "/Keys/test"
    }

    // MARK: File names

    /// `<name>.agency-key`.
    public static func agencyKeyFile(_ name: String) -> String { "\(name).agency-key" }
    /// `<agency>-<device>.device-keys`.
    public static func deviceKeysFile(_ ref: String) -> String { "\(flat(ref)).device-keys" }
    /// `<agency>-<device>.request`.
    public static func requestFile(_ ref: String) -> String { "\(flat(ref)).request" }
    /// `<agency>-<device>.certificate`.
    public static func certificateFile(_ ref: String) -> String { "\(flat(ref)).certificate" }
    /// `charter-v1.charter`.
    public static let charterFile = "charter-v1.charter"

    /// The full path of fixture `file`.
    public static func path(_ file: String) -> String { directory + "/" + file }

    // MARK: Loaders

    /// The root key of agency `name` ("alpha", "bravo" or "charlie").
    public static func agency(_ name: String) -> AgencyRootKey {
        load(agencyKeyFile(name)) { try AgencyRootKey(armored: $0, passphrase: nil) }
    }

    /// The keys of device `ref` ("alpha/hq", "alpha/laptop", "bravo/hq" or "charlie/hq").
    public static func device(_ ref: String) -> DeviceSecretKeys {
        load(deviceKeysFile(ref)) { try DeviceSecretKeys(armored: $0, passphrase: nil) }
    }

    /// The verified genesis charter.
    public static func charter() -> Charter {
        load(charterFile) { try Charter.verifyGenesis(SignedObject.parse(armored: $0, kind: .charter)) }
    }

    /// The signed certificate of device `ref`, as a peer would receive it.
    public static func certificate(_ ref: String) -> SignedObject {
        load(certificateFile(ref)) { try SignedObject.parse(armored: $0, kind: .certificate) }
    }

    /// The certificate of device `ref`, verified against `charter()` at `now`.
    public static func verifiedCertificate(_ ref: String) -> DeviceCertificate {
        let signed = certificate(ref)
        return check(certificateFile(ref)) { try DeviceCertificate.verify(signed, charter: charter(), now: now) }
    }

    /// The certification request device `ref` made.
    public static func request(_ ref: String) -> SignedObject {
        load(requestFile(ref)) { try SignedObject.parse(armored: $0, kind: .request) }
    }

    /// Copies fixture `file` into a new 0700 temporary directory with mode 0600 and returns the
    /// copy's path: for code that loads key files through the permission-checking loaders.
    public static func privateCopy(of file: String) throws -> String {
        let manager = FileManager.default
        let directory = manager.temporaryDirectory.path + "/cairn-testkeys-" + UUID().uuidString
        try manager.createDirectory(atPath: directory, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        let target = directory + "/" + file
        try manager.copyItem(atPath: path(file), toPath: target)
        try manager.setAttributes([.posixPermissions: 0o600], ofItemAtPath: target)
        return target
    }

    // MARK: Private

    private static func flat(_ ref: String) -> String {
        ref.replacing("/", with: "-")
    }

    private static func load<T>(_ file: String, _ decode: (String) throws -> T) -> T {
        let text: String
        do {
            text = try String(contentsOfFile: path(file), encoding: .utf8)
        } catch {
            fatalError("test fixture \(path(file)) cannot be read (\(error)); \(regenerateHint)")
        }
        return check(file) { try decode(text) }
    }

    private static func check<T>(_ file: String, _ body: () throws -> T) -> T {
        do {
            return try body()
        } catch {
            fatalError("test fixture \(path(file)) is invalid: \(error); \(regenerateHint)")
        }
    }

    private static let regenerateHint =
        "regenerate Keys/test with CAIRN_REGENERATE_TEST_KEYS=1 swift test --filter TestKeyGenerator"
}
