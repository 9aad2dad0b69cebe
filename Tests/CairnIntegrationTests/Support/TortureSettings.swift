import CairnTestSupport
import Foundation

/// How long and how hard the torture suites run, from the environment: `make torture` sets the
/// long values, `make test` runs with the defaults (a few kills, a few seconds per fault).
///
/// `CAIRN_TORTURE_KILLS` (default 5): `kill -9`s in TortureCrashTests.
/// `CAIRN_TORTURE_FAULT_SECONDS` (default 2): how long each network fault lasts.
/// `CAIRN_TORTURE_SEED` (default: random): replays one run's choices of site, moment and fault
/// (the processes' own timing still varies); every failure message prints the seed.
struct TortureSettings: Sendable {
    var kills: Int
    var faultSeconds: Double
    var seed: UInt64

    /// Whether this is a `make torture` run (longer phases, longer deadlines).
    var isLong: Bool { kills > 5 || faultSeconds > 2 }

    static func fromEnvironment() -> TortureSettings {
        let environment = ProcessInfo.processInfo.environment
        let kills = environment["CAIRN_TORTURE_KILLS"].flatMap(Int.init) ?? 5
        let faultSeconds = environment["CAIRN_TORTURE_FAULT_SECONDS"].flatMap(Double.init) ?? 2
        let seed = environment["CAIRN_TORTURE_SEED"].flatMap { UInt64($0) } ?? UInt64.random(in: 1...UInt64.max)
        return TortureSettings(kills: max(1, kills), faultSeconds: max(0.5, faultSeconds), seed: seed)
    }

    func random() -> SeededRandom { SeededRandom(seed: seed) }
}
