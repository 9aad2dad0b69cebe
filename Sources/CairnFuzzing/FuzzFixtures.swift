import CairnCrypto
import CairnModel
import CairnProtocol
import CairnTestSupport
import CairnTrust

/// The fixed keys the targets verify and open with: the committed test federation
/// (`Keys/test/`), and an epoch key derived from a label. Seeds are made with the same keys
/// (`FuzzSeeds`), so a valid seed goes all the way through verification and decryption, and
/// mutations of it explore the code behind every check.
struct FuzzFixtures: Sendable {
    static let shared = FuzzFixtures()

    /// alpha/hq: the author of the seed deltas, the sender of the seed bundle.
    let author: DeviceSecretKeys
    /// bravo/hq: the recipient of the seed grant and the seed bundle.
    let recipient: DeviceSecretKeys
    /// The verified genesis charter of the test federation.
    let charter: Charter
    /// The time certificates are checked at (inside every test certificate's validity).
    let now: Int64
    /// The epoch key the seed RECORDS deltas are sealed under.
    let epochKey: XChaCha20Poly1305.Key
    /// The receiving limits the daemon uses.
    let syncLimits = SyncLimits()

    private init() {
        author = TestKeys.device("alpha/hq")
        recipient = TestKeys.device("bravo/hq")
        charter = TestKeys.charter()
        now = TestKeys.now
        epochKey = Self.key("cairn-fuzz-epoch-key")
    }

    /// A 32-byte key derived from `label`.
    static func key(_ label: String) -> XChaCha20Poly1305.Key {
        // A BLAKE2b-256 output is always 32 bytes, the key length.
        try! XChaCha20Poly1305.Key(SecureBytes(copying: BLAKE2b.hash(Array(label.utf8))))
    }

    /// An epoch whose key id is derived from `label`.
    static func epoch(_ number: UInt32, label: String) -> EpochRef {
        try! EpochRef(number: number, keyID: BLAKE2b.hash(Array(label.utf8), outputLength: EpochRef.keyIDLength))
    }

    /// The signing key of `device` when it is one of the test devices.
    func signingKey(of device: DeviceID) -> Ed25519.PublicKey? {
        [author, recipient].first { $0.deviceID == device }?.signing.publicKey
    }
}
