import CairnModel
import CairnTrust
import Foundation
import Synchronization

/// The authenticated connections, by peer device. A device may hold at most
/// `maxLinksPerDevice` connections (one each way when both sides dial); the first registered
/// is its primary link, which carries pushes and rounds, so two connections never double the
/// traffic.
final class PeerRegistry: Sendable {
    static let maxLinksPerDevice = 2

    private let links = Mutex<[DeviceID: [PeerLink]]>([:])
    /// Devices whose last connection closed, newest kept, so that `peer list` still shows a peer
    /// that only ever dialled in (it has no dialer here) after it went away.
    private let departed = Mutex<[DeviceID: DepartedPeer]>([:])
    /// Most departed devices remembered (the oldest is forgotten first).
    static let maxDeparted = 256

    /// Registers an admitted link; false when the device already has too many.
    func register(_ link: PeerLink) -> Bool {
        guard let peer = link.peer else { return false }
        let registered = links.withLock { links in
            let existing = links[peer.deviceID, default: []]
            guard existing.count < Self.maxLinksPerDevice else { return false }
            links[peer.deviceID] = existing + [link]
            return true
        }
        if registered { departed.withLock { _ = $0.removeValue(forKey: peer.deviceID) } }
        return registered
    }

    /// Forgets a link; true when it was registered. The device's last link leaves an entry in
    /// `departedPeers`.
    @discardableResult
    func remove(_ link: PeerLink) -> Bool {
        guard let peer = link.peer else { return false }
        let (removed, gone) = links.withLock { links in
            let before = links[peer.deviceID]?.count ?? 0
            links[peer.deviceID]?.removeAll { $0 === link }
            let after = links[peer.deviceID]?.count ?? 0
            if after == 0 { links[peer.deviceID] = nil }
            return (after < before, after == 0)
        }
        if removed && gone { remember(link, peer: peer) }
        return removed
    }

    private func remember(_ link: PeerLink, peer: DeviceCertificate) {
        let entry = DepartedPeer(
            device: peer.deviceID, ref: "\(peer.ref)", clearance: peer.clearance, at: Date(), reason: link.closeReason,
            dialled: link.configuredName != nil)
        departed.withLock { departed in
            departed[peer.deviceID] = entry
            if departed.count > Self.maxDeparted, let oldest = departed.values.min(by: { $0.at < $1.at }) {
                departed[oldest.device] = nil
            }
        }
    }

    /// Devices whose connections have all closed, and when.
    var departedPeers: [DepartedPeer] {
        departed.withLock { Array($0.values) }
    }

    /// One link per connected device: the one that carries its traffic.
    var primaries: [PeerLink] {
        links.withLock { $0.values.compactMap(\.first) }
    }

    /// Every link.
    var all: [PeerLink] {
        links.withLock { $0.values.flatMap { $0 } }
    }

    /// Every link of one device.
    func links(of device: DeviceID) -> [PeerLink] {
        links.withLock { $0[device] ?? [] }
    }

    /// The primary link to the device whose certificate or configured name is `name`.
    /// The groups are copied out first: a link's `name` reads the copy its event loop
    /// published, under that link's own lock, which is never taken inside this one.
    func primary(named name: String) -> PeerLink? {
        let groups = links.withLock { Array($0.values) }
        return groups.first { group in group.contains { $0.name == name || $0.configuredName == name } }?.first
    }

    /// Whether a link dialled for `name` is up.
    func isConnected(configuredName name: String) -> Bool {
        links.withLock { $0.values.contains { group in group.contains { $0.configuredName == name } } }
    }
}

/// A device whose last connection closed (see `PeerRegistry.departedPeers`).
struct DepartedPeer: Sendable {
    let device: DeviceID
    let ref: String
    let clearance: String
    let at: Date
    let reason: String?
    /// The last connection was one this site dialled (the device has a dialer, which reports it).
    let dialled: Bool
}
