import CairnModel
import CairnTrust

/// Which certificates a peer is given (in memory: the known devices are copied under the
/// ledger's lock and filtered outside it).
extension TrustService {
    /// The certificates `peer` may be given: of devices cleared no higher than it, and of
    /// `authors` (of streams it may see: it needs them to verify those deltas).
    func certificates(sharedWith peer: DeviceCertificate, authors: Set<DeviceID>) -> [DeviceCertificate] {
        let levels = identity.levels
        return knownDevices().all.filter {
            $0.deviceID != peer.deviceID && (levels.isAtOrBelow($0.clearance, peer.clearance) || authors.contains($0.deviceID))
        }
    }

    /// The certificates of `devices` that this site knows.
    func certificates(of devices: Set<DeviceID>) -> [DeviceCertificate] {
        let known = knownDevices()
        return devices.compactMap { known.certificate($0) }
    }
}
