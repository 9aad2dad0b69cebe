import CairnCrypto
import CairnProtocol

/// The epoch keys this device holds, per level. Writers use the greatest epoch of a level;
/// readers need every epoch that anything they hold was sealed under.
struct EpochKeyring: Sendable {
    private var keys: [String: [EpochRef: XChaCha20Poly1305.Key]] = [:]

    mutating func insert(level: String, epoch: EpochRef, key: XChaCha20Poly1305.Key) {
        keys[level, default: [:]][epoch] = key
    }

    func key(level: String, epoch: EpochRef) -> XChaCha20Poly1305.Key? {
        keys[level]?[epoch]
    }

    /// The epoch new writes of `level` use.
    func current(level: String) -> (EpochRef, XChaCha20Poly1305.Key)? {
        guard let epochs = keys[level], let newest = epochs.keys.max() else { return nil }
        return (newest, epochs[newest]!)
    }

    func holds(level: String) -> Bool { keys[level]?.isEmpty == false }

    /// Every key held, flattened, ordered by level then epoch.
    var entries: [(level: String, epoch: EpochRef, key: XChaCha20Poly1305.Key)] {
        keys.keys.sorted().flatMap { level in
            keys[level]!.keys.sorted().map { (level, $0, keys[level]![$0]!) }
        }
    }
}

