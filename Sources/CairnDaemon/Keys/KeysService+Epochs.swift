import CairnModel
import CairnProtocol
import CairnStore

/// One epoch of a level as this site knows it: held or only seen granted, and to whom.
struct KeyEpoch: Sendable {
    let epoch: EpochRef
    let held: Bool
    let current: Bool
    /// Who was seen granted it, by display name, sorted.
    let holders: [String]
}

extension KeysService {
    /// The epochs of each level this site is cleared for, in the charter's order: those it holds
    /// and those it has seen granted, with who holds each.
    func epochs() -> [(level: String, epochs: [KeyEpoch])] {
        ledger.read { state in
            identity.readableLevels.map { level in
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
                    KeyEpoch(epoch: epoch, held: held.contains(epoch), current: epoch == current, holders: (holders[epoch] ?? []).sorted())
                }
                return (level, epochs)
            }
        }
    }
}
