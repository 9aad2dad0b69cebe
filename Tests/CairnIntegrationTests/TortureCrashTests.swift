import CairnControl
import CairnTestSupport
import Foundation
import Testing

extension IntegrationSuite {
    /// Issue 6, item 1: `kill -9` of a random site at random moments, while every site writes
    /// through the control API and anti-entropy runs between them, loses nothing the API
    /// acknowledged, leaves every store and audit chain intact, and the federation converges.
    ///
    /// `make test` runs a few kills; `make torture` sets `CAIRN_TORTURE_KILLS` (50 or more).
    @Suite(.timeLimit(.minutes(20)))
    struct TortureCrashTests {
        /// Three sites of three clearances: SECRET, CONFIDENTIAL and RESTRICTED.
        static let devices = ["alpha/hq", "bravo/hq", "charlie/hq"]
        /// Resident memory a debug-build daemon may reach (see Docs/Torture.md).
        static let memoryBound = 200 * 1_048_576

        @Test func acknowledgedWritesSurviveKillNineDuringWritesAndSync() throws {
            let settings = TortureSettings.fromEnvironment()
            var random = settings.random()
            let started = Date()
            let federation = try Federation(devices: Self.devices)
            defer { federation.shutdown() }
            let memory = ResidentMemory()
            defer { memory.stop() }
            federation.track(in: memory)
            try federation.waitUntilConnected(timeout: 20)

            let writers = TortureWriters()
            writers.start(federation, perSite: 2, pause: 0.02, seed: settings.seed)
            var kills: [String: Int] = [:]
            var damaged: [String] = []
            for _ in 0..<settings.kills {
                // A random moment: writes are in flight at every site, and deltas from the
                // others are being received and committed at the victim.
                Thread.sleep(forTimeInterval: Double.random(in: 0.05...0.8, using: &random))
                let victim = Self.devices[Int(random.next() % UInt64(Self.devices.count))]
                memory.track(victim, pid: nil)
                try federation.stop(victim, signal: SIGKILL)
                kills[victim, default: 0] += 1
                let check = try federation.integrityCheck(victim)
                if check != "ok" { damaged.append("\(victim) after kill \(kills.values.reduce(0, +)): \(check)") }
                Thread.sleep(forTimeInterval: Double.random(in: 0...0.3, using: &random))
                do {
                    try federation.start(victim)
                } catch {
                    writers.stop()
                    Issue.record("seed \(settings.seed), kill \(kills.values.reduce(0, +)) of \(victim): restart failed: \(error)")
                    return
                }
                federation.track(in: memory)
            }
            writers.stop()
            let ledger = writers.ledger
            let killCount = kills.values.reduce(0, +)
            let context = "seed \(settings.seed), \(killCount) kills \(kills.sorted { $0.key < $1.key })"
            #expect(damaged.isEmpty, "stores damaged by kill -9 (\(context)): \(damaged)")
            #expect(ledger.acknowledgedWrites >= 20 * settings.kills / 5, "too few acknowledged writes to test anything")

            // Every acknowledged write is at its own site at once, and everywhere after convergence.
            let converging = Date()
            do {
                try federation.waitUntilConnected(timeout: 30)
                try FederationWait.until("acknowledged writes present at every cleared site", timeout: 90, interval: 0.5) {
                    try federation.ledgerProblems(ledger).first
                }
                try federation.waitForEqualDigests(timeout: 60)
            } catch {
                Issue.record("\(context): \(error)\n\(federation.logs().suffix(20_000))")
                return
            }
            let convergence = Date().timeIntervalSince(converging)
            #expect(try federation.ledgerProblems(ledger).isEmpty, "\(context)")
            let auditProblems = try federation.auditProblems()
            #expect(auditProblems.isEmpty, "\(context): \(auditProblems)")

            let peaks = memory.stop()
            for member in federation.members {
                #expect(try federation.stop(member.device) == 0, "\(member.device) should exit 0 on SIGTERM")
                #expect(try federation.integrityCheck(member.device) == "ok", "\(member.device) store after the run")
            }
            for (device, peak) in peaks {
                #expect(peak < Self.memoryBound, "\(device) reached \(ResidentMemory.mebibytes(peak)) (\(context))")
            }
            print(
                "torture-crash: seed \(settings.seed), \(killCount) kills \(kills.sorted { $0.key < $1.key }), "
                    + "\(ledger.acknowledgedWrites) writes acknowledged, \(ledger.failedWrites) failed, "
                    + "\(ledger.acknowledged.count) records, convergence \(String(format: "%.1f", convergence)) s, "
                    + "peak RSS \(peaks.sorted { $0.key < $1.key }.map { "\($0.key) \(ResidentMemory.mebibytes($0.value))" }), "
                    + "total \(String(format: "%.1f", Date().timeIntervalSince(started))) s")
        }
    }
}
