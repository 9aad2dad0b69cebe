import CairnModel
import CairnCrypto

/// The public keys of every key in `Keys/test/`, whose secret halves are published in this
/// repository and therefore protect nothing.
///
/// The daemon refuses them (as charter roots, device keys and certificate keys) unless it runs
/// in test mode. The list is compiled in so that an installed daemon knows it without the
/// repository; a test checks that it equals exactly the public keys of the files in
/// `Keys/test/`, so the two cannot drift.
public enum TestKeyRegistry {
    /// Lowercase hex of each test public key (agency roots, then each device's signing,
    /// wrapping and TLS keys).
    public static let publicKeysHex: [String] = [
        // GENERATED-BEGIN
        "00acf6e7eb763649a8fdc2cfbe6cd2f8214246c5fcc4d8ccc04a0593c4adc6e7",  // agency alpha root
        "9480ea9fccb87921ce6884b3b083a5e1f7781a07ed937bdda3aa0642a6d315c9",  // agency bravo root
        "a23f009cf9ff3c4f4f0b75a8082e267afc1fa3d8086c00ef84f1e6f48ef6bb7a",  // agency charlie root
        "cb9354b137a33b9c14079973a6dd683f6953e16a7a8ab7768da5ce1deaad8e12",  // alpha/hq signing
        "deec418e6ac37b93b29288dfeaac0d7c1017c5a08991c185a1cd3ba00a59677e",  // alpha/hq wrapping
        "dea1ca951c8e4fa3ee3f5ae47de54f8d079ebe863d7745f11b48c436551e3f49",  // alpha/hq tls
        "8b8a951aa4d7da224b59736b665b42d36e6fd699746da550ba5a6884e6b81b9c",  // alpha/laptop signing
        "0d37eaa3a4c53e91a073532996865b078d836d765a20b93a0513f362c0dc7039",  // alpha/laptop wrapping
        "bb91c59b218cf8dc00435630e80b53ca963e8e8e3bb6bfa316bc9c7088432ad7",  // alpha/laptop tls
        "dbb3e628af70c6ed627e26e2280e0f88ba9a7848a50982a3181a59cf0efbefbb",  // bravo/hq signing
        "a6b3e37662ccf0203dae21b918652161b827806966bfe7cc9b6e0bc656fb0427",  // bravo/hq wrapping
        "9764b9be432efa03599df5f683f7f6b6999c2a2299ec99c7c31cdcb93fef7794",  // bravo/hq tls
        "81be7f85d2154ac6e5cf29c5045456814a81b70663c94c9be269cc10db1b60e0",  // charlie/hq signing
        "d69030e8cc2320bb766f1abed224cc3cf1c17b96fb11ae50eba0b77929eb8e45",  // charlie/hq wrapping
        "0518765d592d92fb0375f4f446e8342a1fc341fe9aa10d2f0ca0febe4718832d",  // charlie/hq tls
        // GENERATED-END
    ]

    private static let keys: Set<String> = Set(publicKeysHex)

    /// Whether `publicKey` is one of the published test keys.
    public static func isTestKey(_ publicKey: Ed25519.PublicKey) -> Bool {
        keys.contains(Hex.encode(publicKey.bytes))
    }

    /// Whether `publicKey` is one of the published test keys.
    public static func isTestKey(_ publicKey: X25519.PublicKey) -> Bool {
        keys.contains(Hex.encode(publicKey.bytes))
    }

    /// Throws `testKeyOutsideTestMode` if any root key of `charter` is a test key, unless
    /// `testMode`.
    public static func check(_ charter: Charter, testMode: Bool) throws {
        guard !testMode else { return }
        for agency in charter.agencies where isTestKey(agency.rootKey) {
            throw TrustError.testKeyOutsideTestMode(what: "The root key of agency \(agency.name) in the charter")
        }
    }

    /// Throws `testKeyOutsideTestMode` if any key of `certificate` is a test key, unless
    /// `testMode`.
    public static func check(_ certificate: DeviceCertificate, testMode: Bool) throws {
        guard !testMode else { return }
        try check(certificate.publicKeys, what: "The certificate of \(certificate.ref)")
    }

    /// Throws `testKeyOutsideTestMode` if any of the device's own keys is a test key, unless
    /// `testMode`.
    public static func check(_ keys: DeviceSecretKeys, testMode: Bool) throws {
        guard !testMode else { return }
        try check(keys.publicKeys, what: "This device's key file")
    }

    /// Throws `testKeyOutsideTestMode` if `key` is a test key, unless `testMode`.
    public static func check(_ key: AgencyRootKey, testMode: Bool) throws {
        guard !testMode, isTestKey(key.publicKey) else { return }
        throw TrustError.testKeyOutsideTestMode(what: "The root key of agency \(key.name)")
    }

    private static func check(_ keys: DevicePublicKeys, what: String) throws {
        if isTestKey(keys.signing) || isTestKey(keys.wrapping) || isTestKey(keys.tls) {
            throw TrustError.testKeyOutsideTestMode(what: what)
        }
    }
}
