import CairnModel
import CairnProtocol
import CairnStore
import CairnTrust
import Foundation
import NIOPosix

/// `Site` as sync sees it: the one place where sync's operations meet the site's ledger state
/// and database. Everything else in `Sync/` goes through `SyncSite` / `SyncServiceSite`.
///
/// Reads of the ledger copy what they need under its lock and compute outside it. Blocking
/// operations check (in debug builds) that they are not called on an event loop.
extension Site: SyncServiceSite {
    var deviceID: DeviceID { identity.deviceID }
    var levels: LevelLattice { identity.levels }
    var clearance: String { identity.clearance }
    var certificate: DeviceCertificate { identity.certificate }
    var federationID: [UInt8] { identity.charter.federationID }

    func vector(levels: Set<String>) -> [StreamPosition] {
        let streams = ledger.read { $0.streams }
        return streams.compactMap { stream, head in
            levels.contains(stream.level)
                ? StreamPosition(author: stream.author, level: stream.level, sequence: head.sequence, head: head.deltaID) : nil
        }.sorted()
    }

    func certificates(sharedWith peer: DeviceCertificate, levels common: Set<String>) -> [DeviceCertificate] {
        let (streams, devices) = ledger.read { ($0.streams, $0.devices) }
        let levels = identity.levels
        let authors = Set(streams.keys.filter { common.contains($0.level) }.map(\.author))
        return devices.all
            .filter { $0.deviceID != peer.deviceID && (levels.isAtOrBelow($0.clearance, peer.clearance) || authors.contains($0.deviceID)) }
    }

    func certificates(of devices: Set<DeviceID>) -> [DeviceCertificate] {
        let known = ledger.read { $0.devices }
        return devices.compactMap { known.certificate($0) }
    }

    func trust(after version: UInt64) throws -> TrustObjects {
        Self.assertOffLoop()
        let revocations = revocationObjects()
        return TrustObjects(revocations: revocations, charters: try charters(after: version))
    }

    func ingest(_ envelopes: [[UInt8]], from source: DeltaSource) throws -> IngestReport {
        Self.assertOffLoop()
        return try ingest(envelopes, from: source, now: Int64(Date().timeIntervalSince1970))
    }

    func deltas(of stream: StreamID, from: UInt64, limit: Int) throws -> [(sequence: UInt64, envelope: [UInt8])] {
        Self.assertOffLoop()
        return try database.deltas(author: stream.author.bytes, level: stream.level, fromSequence: from, limit: limit)
            .map { (sequence: $0.sequence, envelope: $0.envelope) }
    }

    func waitingDeltas() -> (count: Int, bytes: Int) {
        ledger.read { ($0.waiting.count, $0.waiting.bytes) }
    }

    func addedPeers() throws -> [(name: String, address: String)] {
        try database.peers().map { (name: $0.name, address: $0.address) }
    }

    func addPeer(name: String, address: String, addedAt: Int64) throws {
        try database.savePeer(PeerRow(name: name, address: address, addedAt: addedAt))
    }

    func removeAddedPeer(named name: String) throws -> Bool {
        try database.removePeer(named: name)
    }

    /// Store work on an event loop would stall every connection of that loop.
    private static func assertOffLoop() {
        assert(MultiThreadedEventLoopGroup.currentEventLoop == nil, "blocking store work called on an event loop")
    }
}
