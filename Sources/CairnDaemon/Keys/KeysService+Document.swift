import CairnControl
import CairnModel
import CairnProtocol

extension KeysService {
    /// The epochs of each level this site is cleared for: those it holds and those it has seen
    /// granted, with who holds each.
    func keysDocument() -> KeysDocument {
        ledger.read { state in
            let levels = identity.readableLevels.map { level -> KeysDocument.Level in
                var holders: [EpochRef: [String]] = [:]
                // Display only: a malformed row is left out of (or named by hex in) the listing.
                for seen in state.grantsSeen where seen.level == level {
                    guard let epoch = try? EpochRef(number: seen.epochNumber, keyID: seen.epochKeyID) else { continue }
                    let name = (try? DeviceID(seen.recipient)).map { state.devices.displayName($0) } ?? Hex.encode(seen.recipient)
                    holders[epoch, default: []].append(name)
                }
                let held = Set(state.keyring.entries.filter { $0.level == level }.map(\.epoch))
                let current = state.keyring.current(level: level)?.0
                let epochs = held.union(holders.keys).sorted().map { epoch in
                    KeysDocument.Epoch(
                        number: epoch.number, keyId: Hex.encode(epoch.keyID), held: held.contains(epoch),
                        current: epoch == current, holders: (holders[epoch] ?? []).sorted())
                }
                return KeysDocument.Level(name: level, epochs: epochs)
            }
            return KeysDocument(levels: levels)
        }
    }
}
