import CairnModel
import Synchronization

/// The devices this site holds a live sync connection to, counted per connection. A holder of
/// a key grants it at once to those of them that lack it (`GrantPlan.serving`), whoever is
/// responsible for the key: it can hand them the grant itself, while the responsible holder
/// may never have heard of them (a device that authored nothing is not passed on), and
/// waiting out the grace period would leave them unable to read for two minutes.
final class ConnectedDevices: Sendable {
    private let counts = Mutex<[DeviceID: Int]>([:])

    func connected(_ device: DeviceID) {
        counts.withLock { $0[device, default: 0] += 1 }
    }

    func disconnected(_ device: DeviceID) {
        counts.withLock { counts in
            guard let count = counts[device] else { return }
            counts[device] = count > 1 ? count - 1 : nil
        }
    }

    /// Every device with at least one connection now.
    var devices: Set<DeviceID> {
        counts.withLock { Set($0.keys) }
    }
}
