import CairnControl
import CairnTestSupport
import Foundation
import Testing

extension IntegrationSuite {
    /// Issue 6, item 2: every byte between three sites crosses a `FaultProxy`; with writes going
    /// on, each fault runs for a while (drop, delay, duplicate, reorder at TLS-record
    /// boundaries, truncate, flipped bits, stall, a partition), then heals. After each, the
    /// sites converge to equal digests holding every acknowledged write; corrupted bytes are
    /// refused by TLS (connection errors counted, no delta ever refused behind it); audit chains
    /// verify; the daemons' resident memory stays under a bound throughout.
    ///
    /// `make test` runs each fault for 2 s; `make torture` sets `CAIRN_TORTURE_FAULT_SECONDS`.
    @Suite(.timeLimit(.minutes(20)))
    struct TortureNetworkTests {
        static let devices = ["alpha/hq", "bravo/hq", "charlie/hq"]
        /// Resident memory a debug-build daemon may reach (see Docs/Torture.md).
        static let memoryBound = 200 * 1_048_576

        struct Phase: Sendable {
            var name: String
            var fault: NetworkFault
            /// The proxy counter that says the fault was injected.
            var counter: String?
            /// Whether the fault changes bytes that TLS must then refuse.
            var corrupts = false
            /// For a partition: the site cut off from the others (nil: every link faulty).
            var isolate: String?
        }

        static let phases: [Phase] = [
            Phase(name: "drop", fault: .drop(0.05), counter: "dropped"),
            Phase(name: "delay", fault: .delay(milliseconds: 150), counter: "delayed"),
            Phase(name: "duplicate", fault: .duplicate(0.2), counter: "duplicated", corrupts: true),
            Phase(name: "reorder", fault: .reorder(0.3), counter: "reordered", corrupts: true),
            Phase(name: "truncate", fault: .truncate(0.05), counter: "truncated"),
            Phase(name: "flip-bits", fault: .flipBits(0.2), counter: "flipped", corrupts: true),
            Phase(name: "stall", fault: .stall, counter: "stalled"),
            Phase(name: "partition", fault: .partition, counter: "cut", isolate: "charlie/hq"),
        ]

        @Test func sitesConvergeAfterEveryNetworkFaultAndRefuseCorruptedBytes() throws {
            let settings = TortureSettings.fromEnvironment()
            let started = Date()
            let federation = try Federation(devices: Self.devices, options: .init(meshed: false))
            defer { federation.shutdown() }
            // One proxy for each direction of each pair: whoever dials, the bytes cross a proxy.
            var proxies: [(from: String, to: String, proxy: FaultProxy)] = []
            defer { for entry in proxies { entry.proxy.stop() } }
            for from in federation.members {
                for to in federation.members where to !== from {
                    let proxy = try FaultProxy(upstreamPort: to.port, seed: settings.seed &+ UInt64(proxies.count) << 32)
                    proxies.append((from.device, to.device, proxy))
                    _ = try from.client.addPeer(AddPeerRequest(name: to.peerName, address: proxy.address))
                }
            }
            try federation.waitUntilConnected(timeout: 20)
            let memory = ResidentMemory()
            defer { memory.stop() }
            federation.track(in: memory)

            let ledger = TortureLedger()
            let convergenceTimeout: TimeInterval = settings.isLong ? 150 : 45
            var report: [String] = []
            for (index, phase) in Self.phases.enumerated() {
                let context = "seed \(settings.seed), phase \(phase.name)"
                let errorsBefore = try Self.connectionErrors(federation)
                let injectedBefore = Self.total(proxies.map(\.proxy), phase.counter)
                let writers = TortureWriters(ledger: ledger)
                writers.start(federation, perSite: 1, pause: 0.02, seed: settings.seed &+ UInt64(index) << 40, tag: "p\(index)")
                for entry in proxies where phase.isolate == nil || entry.from == phase.isolate || entry.to == phase.isolate {
                    entry.proxy.fault = phase.fault
                }
                Thread.sleep(forTimeInterval: settings.faultSeconds)
                for entry in proxies { entry.proxy.fault = .none }
                writers.stop()

                let healed = Date()
                do {
                    try FederationWait.until("acknowledged writes present at every cleared site", timeout: convergenceTimeout, interval: 0.25) {
                        try federation.ledgerProblems(ledger).first
                    }
                    try federation.waitForEqualDigests(timeout: 30)
                } catch {
                    Issue.record("\(context): \(error)\nproxies: \(proxies.map { "\($0.from)->\($0.to) \($0.proxy.stats)" })\n\(federation.logs().suffix(20_000))")
                    return
                }
                let convergence = Date().timeIntervalSince(healed)
                let injected = Self.total(proxies.map(\.proxy), phase.counter) - injectedBefore
                let errors = try Self.connectionErrors(federation) - errorsBefore
                if phase.counter != nil {
                    #expect(injected > 0, "\(context): the fault was never injected")
                }
                if phase.corrupts && injected > 0 {
                    #expect(errors > 0, "\(context): \(injected) corruptions injected, no connection refused them")
                }
                let peak = memory.periodPeaks().values.max() ?? 0
                report.append(
                    "\(phase.name) \(injected) injected, \(Int(errors)) connection errors, converged in "
                        + String(format: "%.1f s", convergence) + ", peak RSS \(ResidentMemory.mebibytes(peak))")
            }

            let context = "seed \(settings.seed)"
            #expect(try federation.ledgerProblems(ledger).isEmpty, "\(context)")
            let auditProblems = try federation.auditProblems()
            #expect(auditProblems.isEmpty, "\(context): \(auditProblems)")
            var refusals = 0
            for member in federation.members {
                refusals += try federation.allAuditEntries(member.client).filter {
                    $0.kind == "sync.handshake_failed" || $0.kind == "sync.peer_refused"
                }.count
            }
            #expect(refusals > 0, "\(context): corrupted connections should be audited as refused")
            let peaks = memory.stop()
            for (device, peak) in peaks {
                #expect(peak < Self.memoryBound, "\(device) reached \(ResidentMemory.mebibytes(peak)) (\(context))")
            }
            print(
                "torture-network: \(context), \(settings.faultSeconds) s per fault, \(ledger.acknowledgedWrites) writes "
                    + "acknowledged, \(refusals) refusals audited; \(report.joined(separator: "; ")); "
                    + "peak RSS \(peaks.sorted { $0.key < $1.key }.map { "\($0.key) \(ResidentMemory.mebibytes($0.value))" }), "
                    + "total \(String(format: "%.1f", Date().timeIntervalSince(started))) s")
        }

        /// Transport errors counted by every site (`cairn_sync_connection_errors_total`, every
        /// reason: record-layer and handshake failures among them).
        static func connectionErrors(_ federation: Federation) throws -> Double {
            try federation.members.reduce(0) { $0 + (try federation.counter($1.device, "cairn_sync_connection_errors_total")) }
        }

        static func total(_ proxies: [FaultProxy], _ counter: String?) -> Int {
            guard let counter else { return 0 }
            return proxies.reduce(0) { $0 + ($1.stats[counter] ?? 0) }
        }
    }
}
