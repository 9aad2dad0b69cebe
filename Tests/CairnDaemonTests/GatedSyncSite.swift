import CairnModel
import CairnProtocol
import CairnTrust
import Foundation
import NIOCore
import Synchronization

@testable import CairnDaemon

/// Holds a blocking call until the test opens it, or for `holdSeconds` at most; says when a
/// call is held. The bound turns a loop blocked by a held call into a failed expectation
/// (`expired`) rather than a hung test.
final class Gate: Sendable {
    static let holdSeconds = 10
    private let armed = Atomic<Bool>(true)
    private let timedOut = Atomic<Bool>(false)
    let entered = DispatchSemaphore(value: 0)
    private let opened = DispatchSemaphore(value: 0)

    func pass() {
        guard armed.load(ordering: .acquiring) else { return }
        entered.signal()
        if opened.wait(timeout: .now() + .seconds(Self.holdSeconds)) == .timedOut {
            timedOut.store(true, ordering: .releasing)
            armed.store(false, ordering: .releasing)
        }
    }

    /// Lets the held call (and every later one) through.
    func open() {
        armed.store(false, ordering: .releasing)
        opened.signal()
    }

    /// A held call was let go by the time bound, not by the test: whatever waited for it
    /// (a blocked event loop) could only go on then.
    var expired: Bool { timedOut.load(ordering: .acquiring) }
}

/// Where each blocking call of a `GatedSite` ran: on the link's event loop or off it.
final class StoreCallLog: Sendable {
    struct Call: Sendable, Equatable {
        let name: String
        let onLoop: Bool
    }

    /// The event loop of the link under test, set once its channel exists.
    let loop = Mutex<(any EventLoop)?>(nil)
    let calls = Mutex<[Call]>([])

    func note(_ name: String) {
        let onLoop = loop.withLock { $0 }?.inEventLoop ?? false
        calls.withLock { $0.append(Call(name: name, onLoop: onLoop)) }
    }

    var names: Set<String> { Set(calls.withLock { $0 }.map(\.name)) }
    var onLoop: [String] { calls.withLock { $0 }.filter(\.onLoop).map(\.name) }
}

/// alpha/hq's site as sync sees it, with its batch reads and ingests held by gates, and every
/// blocking call (store work, or a durable commit through the ledger) noted in `log`.
final class GatedSite: SyncSite {
    let site: Site
    let reads: Gate?
    let ingests: Gate?
    let log: StoreCallLog

    init(_ site: Site, reads: Gate? = nil, ingests: Gate? = nil, log: StoreCallLog = StoreCallLog()) {
        self.site = site
        self.reads = reads
        self.ingests = ingests
        self.log = log
    }

    var deviceID: DeviceID { site.deviceID }
    var levels: LevelLattice { site.levels }
    var clearance: String { site.clearance }
    var certificate: DeviceCertificate { site.certificate }
    var federationID: [UInt8] { site.federationID }
    var metrics: SiteMetrics { site.metrics }
    func charter() -> Charter { site.charter() }
    func isWithdrawn(_ certificate: DeviceCertificate) -> Bool { site.isWithdrawn(certificate) }
    func vector(levels: Set<String>) -> [StreamPosition] { site.vector(levels: levels) }
    func auditHeads(for peer: DeviceCertificate) -> (own: AuditHead?, yours: AuditHead?) { site.auditHeads(for: peer) }
    func rememberVector(_ positions: [StreamPosition], of peer: DeviceID) { site.rememberVector(positions, of: peer) }

    func certificates(sharedWith peer: DeviceCertificate, levels: Set<String>) -> [DeviceCertificate] {
        log.note("certificates(sharedWith:)")
        return site.certificates(sharedWith: peer, levels: levels)
    }

    func certificates(of devices: Set<DeviceID>) -> [DeviceCertificate] {
        log.note("certificates(of:)")
        return site.certificates(of: devices)
    }

    func trustMark() -> TrustMark { site.trustMark() }

    func trust(after version: UInt64) throws -> TrustObjects {
        log.note("trust")
        return try site.trust(after: version)
    }

    func learn(_ certificates: [DeviceCertificate], from source: String, serving: DeviceID?) throws -> Int {
        log.note("learn")
        return try site.learn(certificates, from: source, serving: serving)
    }

    func learnServing(_ certificate: DeviceCertificate, from source: String) throws -> [[UInt8]] {
        log.note("learn")
        return try site.learnServing(certificate, from: source)
    }

    func takeEarlyGrants(_ envelopes: [[UInt8]], from source: DeltaSource, done: @escaping @Sendable (Result<IngestReport, any Error>) -> Void) {
        log.note("ingest")
        ingests?.pass()
        site.takeEarlyGrants(envelopes, from: source, done: done)
    }

    func accept(charters: [[UInt8]], from source: String) throws -> Int {
        log.note("accept(charters:)")
        return try site.accept(charters: charters, from: source)
    }

    func accept(revocations: [[UInt8]], from source: String) throws -> Int {
        log.note("accept(revocations:)")
        return try site.accept(revocations: revocations, from: source)
    }

    func receiveAuditHeads(own: AuditHead?, yours: AuditHead?, from peer: DeviceCertificate) throws(AuditService.AuditHeadRefusal) {
        log.note("receiveAuditHeads")
        try site.receiveAuditHeads(own: own, yours: yours, from: peer)
    }

    func flushWitnessed(_ device: DeviceID) {
        log.note("flushWitnessed")
        site.flushWitnessed(device)
    }

    func noteConnection(of device: DeviceID, connected: Bool) { site.noteConnection(of: device, connected: connected) }

    func ingest(_ envelopes: [[UInt8]], from source: DeltaSource, done: @escaping @Sendable (Result<IngestReport, any Error>) -> Void) {
        log.note("ingest")
        ingests?.pass()
        site.ingest(envelopes, from: source, done: done)
    }

    func recordIngest(_ report: IngestReport, from source: DeltaSource) { site.recordIngest(report, from: source) }

    func deltas(of stream: StreamID, from: UInt64, limit: Int) throws -> [(sequence: UInt64, envelope: [UInt8])] {
        log.note("deltas")
        reads?.pass()
        return try site.deltas(of: stream, from: from, limit: limit)
    }
}
