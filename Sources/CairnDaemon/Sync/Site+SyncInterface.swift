import CairnModel
import CairnProtocol
import CairnStore
import CairnTrust
import Foundation
import NIOPosix

/// `Site` as sync sees it: each operation of `SyncSite` / `SyncServiceSite` is one call of the
/// service that owns it (trust, keys, ingest, audit, bundles), so sync never reaches the
/// ledger's state, the kernel or the store itself, and never takes a lock of theirs.
///
/// Blocking operations check (in debug builds) that they are not called on an event loop.
extension Site: SyncServiceSite {
    var deviceID: DeviceID { identity.deviceID }
    var levels: LevelLattice { identity.levels }
    var clearance: String { identity.clearance }
    var certificate: DeviceCertificate { identity.certificate }
    var federationID: [UInt8] { identity.charter.federationID }

    // MARK: In memory

    func charter() -> Charter { trust.charter() }
    func isWithdrawn(_ certificate: DeviceCertificate) -> Bool { trust.isWithdrawn(certificate) }
    func vector(levels: Set<String>) -> [StreamPosition] { ingest.vector(levels: levels) }
    func auditHeads(for peer: DeviceCertificate) -> (own: AuditHead?, yours: AuditHead?) { audit.auditHeads(for: peer) }
    func rememberVector(_ positions: [StreamPosition], of peer: DeviceID) { bundles.rememberVector(positions, of: peer) }
    func waitingDeltas() -> (count: Int, bytes: Int) { ingest.waitingDeltas() }
    var deltaFeed: DeltaFeed { feeds.deltas }
    var withdrawalFeed: Feed<Void> { feeds.withdrawals }

    func certificates(sharedWith peer: DeviceCertificate, levels common: Set<String>) -> [DeviceCertificate] {
        trust.certificates(sharedWith: peer, authors: ingest.authors(levels: common))
    }

    func certificates(of devices: Set<DeviceID>) -> [DeviceCertificate] { trust.certificates(of: devices) }
    func trustMark() -> TrustMark { trust.trustMark() }

    // MARK: Blocking

    func trust(after version: UInt64) throws -> TrustObjects {
        Self.assertOffLoop()
        let mark = trust.trustMark()
        let revocations = trust.revocationObjects()
        return TrustObjects(mark: mark, revocations: revocations, charters: try trust.charters(after: version))
    }

    func learn(_ certificates: [DeviceCertificate], from source: String, serving: DeviceID?) throws -> Int {
        Self.assertOffLoop()
        return try keys.learn(certificates, from: source, serving: serving)
    }

    func learnServing(_ certificate: DeviceCertificate, from source: String) throws -> [[UInt8]] {
        Self.assertOffLoop()
        return try keys.learnServing([certificate], from: source, serving: certificate.deviceID).grants
    }

    func takeEarlyGrants(_ envelopes: [[UInt8]], from source: DeltaSource, done: @escaping @Sendable (Result<IngestReport, any Error>) -> Void) {
        Self.assertOffLoop()
        ingest.takeEarlyGrants(envelopes, from: source, done: done)
    }

    func accept(charters: [[UInt8]], from source: String) throws -> Int {
        Self.assertOffLoop()
        return try trust.accept(charters: charters, from: source)
    }

    func accept(revocations: [[UInt8]], from source: String) throws -> Int {
        Self.assertOffLoop()
        return try trust.accept(revocations: revocations, from: source)
    }

    func noteConnection(of device: DeviceID, connected: Bool) {
        if connected { kernel.connected.connected(device) } else { kernel.connected.disconnected(device) }
    }

    func ingest(_ envelopes: [[UInt8]], from source: DeltaSource, done: @escaping @Sendable (Result<IngestReport, any Error>) -> Void) {
        Self.assertOffLoop()
        ingest.ingest(envelopes, from: source, done: done)
    }

    func recordIngest(_ report: IngestReport, from source: DeltaSource) {
        ingest.record(report, from: source)
    }

    func deltas(of stream: StreamID, from: UInt64, limit: Int) throws -> [(sequence: UInt64, envelope: [UInt8])] {
        Self.assertOffLoop()
        return try ingest.deltas(of: stream, from: from, limit: limit)
    }

    func receiveAuditHeads(own: AuditHead?, yours: AuditHead?, from peer: DeviceCertificate) throws(AuditService.AuditHeadRefusal) {
        Self.assertOffLoop()
        try audit.receiveAuditHeads(own: own, yours: yours, from: peer)
    }

    func flushWitnessed(_ device: DeviceID) {
        Self.assertOffLoop()
        audit.flushWitnessed(device)
    }

    func addedPeers() throws -> [(name: String, address: String)] { try AddedPeers(kernel: kernel).all() }

    func addPeer(name: String, address: String, addedAt: Int64) throws {
        try AddedPeers(kernel: kernel).add(name: name, address: address, addedAt: addedAt)
    }

    func removeAddedPeer(named name: String) throws -> Bool { try AddedPeers(kernel: kernel).remove(named: name) }

    /// Store work on an event loop would stall every connection of that loop.
    private static func assertOffLoop() {
        assert(MultiThreadedEventLoopGroup.currentEventLoop == nil, "blocking store work called on an event loop")
    }
}
