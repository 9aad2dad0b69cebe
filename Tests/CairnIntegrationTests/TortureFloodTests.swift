import CairnControl
import CairnTestSupport
import Foundation
import Testing

extension IntegrationSuite {
    /// Issue 13, item 11: the flood phase of the torture harness. Three sites write and sync
    /// while strangers flood every site's sync port (connections held open in silence and
    /// reopened when closed, and garbage connections as fast as they can be made) and another
    /// uid, allowed to read, floods every control socket with half-sent requests (it holds its
    /// 64 connections, the rest are refused at connect). Writes must go on being
    /// acknowledged and reach the other sites during the flood, and afterwards every
    /// acknowledged write is everywhere it should be, the digests agree, the audit chains verify
    /// and the flood left only a handful of audit entries.
    ///
    /// `make test` floods for 4 × 2 s; `make torture` for 4 × `CAIRN_TORTURE_FAULT_SECONDS`.
    @Suite(.timeLimit(.minutes(20)))
    struct TortureFloodTests {
        static let devices = ["alpha/hq", "bravo/hq", "charlie/hq"]
        static let nobody: UInt32 = 65534
        /// Half a request head that the flooding uid may send (it may read).
        static let stalledHead = #"GET /v1/status HTTP/1.1\r\nHost: ca"#

        /// Writes at every site, then a write at alpha/hq that bravo/hq must see within
        /// `deadline`, both while the flood runs.
        static func syncGoesOn(_ federation: Federation, deadline: TimeInterval, tag: String) throws -> TimeInterval {
            let id = "flood-probe-\(tag)"
            let started = Date()
            _ = try federation.client("alpha/hq").putRecord(
                PutRecordRequest(id: id, type: "probe", classification: "RESTRICTED", fields: ["at": .int(Int64(started.timeIntervalSince1970))]))
            try FederationWait.until("bravo/hq receives a write made during the flood", timeout: deadline, interval: 0.1) {
                (try? federation.client("bravo/hq").getRecord(id: id)) == nil ? "not yet" : nil
            }
            return Date().timeIntervalSince(started)
        }

        @Test(.enabled(if: getuid() == 0, "needs root to flood the control sockets as another uid"))
        func writesAndSyncGoOnWhileEveryListenerIsFlooded() throws {
            let settings = TortureSettings.fromEnvironment()
            let started = Date()
            // The flooding uid may read: its stalled requests then hold connections up to its cap.
            let federation = try Federation(devices: Self.devices, options: .init(extraControl: ["read_uids = [\(Self.nobody)]"]))
            defer { federation.shutdown() }
            try federation.waitUntilConnected(timeout: 20)
            let auditBefore = try federation.members.map { try federation.allAuditEntries($0.client).count }
            let ledger = TortureLedger()
            let writers = TortureWriters(ledger: ledger)
            writers.start(federation, perSite: 1, pause: 0.02, seed: settings.seed, tag: "f")
            defer { writers.stop() }

            // The write rate without a flood, to compare with the rate during it.
            let quietStart = (ledger.acknowledgedWrites, Date())
            Thread.sleep(forTimeInterval: settings.faultSeconds)
            let quietRate = Double(ledger.acknowledgedWrites - quietStart.0) / Date().timeIntervalSince(quietStart.1)

            // The flood: strangers on every sync port, another uid on every control socket.
            let seconds = settings.faultSeconds * 4
            let ports = federation.members.map(\.port)
            let holder = StrangerFlood.Holder(count: 150, from: "127.0.0.9", to: ports)
            defer { holder.stop() }
            let garbageSent = Atomic(0), garbageRunning = Atomic(true)
            let garbage = DispatchGroup()
            for port in ports {
                DispatchQueue.global().async(group: garbage) {
                    while garbageRunning.load() {
                        let sent = (try? StrangerFlood.garbage(count: 50, from: "127.0.0.10", to: port)) ?? 0
                        garbageSent.add(sent)
                    }
                }
            }
            let controlFloods = try federation.members.map { member in
                try FloodProcess(site: member.site, uid: Self.nobody, connections: 400, send: Self.stalledHead, hold: seconds)
            }
            for flood in controlFloods { _ = try flood.ready() }

            // Meanwhile writes are acknowledged and travel.
            let acknowledgedBefore = ledger.acknowledgedWrites
            var probes: [TimeInterval] = []
            let floodEnds = Date().addingTimeInterval(seconds)
            var round = 0
            while Date() < floodEnds {
                probes.append(try Self.syncGoesOn(federation, deadline: 10, tag: "\(settings.seed)-\(round)"))
                round += 1
                Thread.sleep(forTimeInterval: 0.5)
            }
            let duringFlood = ledger.acknowledgedWrites - acknowledgedBefore
            let floodRate = Double(duringFlood) / seconds
            #expect(duringFlood > 0, "no write was acknowledged during the flood")
            #expect(holder.connections > ports.count * 150, "the holder never had to reopen: \(holder.connections)")
            garbageRunning.store(false)
            garbage.wait()
            holder.stop()
            let controlSummaries = try controlFloods.map { try $0.summary(timeout: seconds + 30) }
            writers.stop()

            // Afterwards: nothing acknowledged is lost, and the sites agree.
            let context = "seed \(settings.seed)"
            try FederationWait.until("acknowledged writes present at every cleared site", timeout: settings.isLong ? 150 : 45, interval: 0.25) {
                try federation.ledgerProblems(ledger).first
            }
            try federation.waitForEqualDigests(timeout: 30)
            #expect(try federation.ledgerProblems(ledger).isEmpty, "\(context)")
            let auditProblems = try federation.auditProblems()
            #expect(auditProblems.isEmpty, "\(context): \(auditProblems)")
            // The flood is counted in metrics, and aggregated in the audit log: a few entries per
            // reason and source a minute, not one per connection. What the writers and sync
            // added is one entry per write at most.
            for (index, member) in federation.members.enumerated() {
                let entries = try federation.allAuditEntries(member.client)
                let flood = entries.dropFirst(auditBefore[index]).filter {
                    $0.kind.hasPrefix("sync.handshake") || $0.kind.hasPrefix("control.connection") || $0.kind == "audit.events_aggregated"
                }
                #expect(flood.count <= 40, "\(member.device): \(flood.count) flood entries: \(flood.prefix(5).map(\.kind))")
            }
            print(
                "torture-flood: \(context), \(seconds) s of flood, \(holder.connections) held sync connections opened, "
                    + "\(garbageSent.load()) garbage connections, control floods \(controlSummaries.map { "open=\($0["open"] ?? "?") closed=\($0["closed"] ?? "?") status=\($0["first_status"] ?? "-")" }), "
                    + "\(duringFlood) writes acknowledged during the flood (" + String(format: "%.1f/s, %.1f/s before", floodRate, quietRate) + "), sync probes "
                    + probes.map { String(format: "%.2f", $0) }.joined(separator: "/") + " s, "
                    + "total \(String(format: "%.1f", Date().timeIntervalSince(started))) s")
        }
    }
}

/// A counter shared by threads of a test.
private final class Atomic<Value: Sendable>: @unchecked Sendable {
    // @unchecked: `value` is guarded by `lock`.
    private let lock = NSLock()
    private var value: Value

    init(_ value: Value) { self.value = value }

    func load() -> Value { lock.withLock { value } }
    func store(_ new: Value) { lock.withLock { value = new } }
}

extension Atomic where Value == Int {
    fileprivate func add(_ amount: Int) { lock.withLock { value += amount } }
}
