import Benchmark
import CairnCrypto

// The machine limits the scenarios of issue 6 are compared with, measured on one core by
// package-benchmark: Ed25519 verification of a 1 KiB message (what receiving a delta costs) and
// signing (what writing one costs). scripts/bench.sh runs these in the same run as the scenario
// that is compared with them and divides by the median throughput.
let benchmarks: @Sendable () -> Void = {
    Benchmark.defaultConfiguration = .init(
        metrics: [.throughput, .wallClock, .cpuTotal],
        timeUnits: .microseconds,
        warmupIterations: 2,
        scalingFactor: .kilo,
        maxDuration: .seconds(3),
        maxIterations: 200
    )

    let key = Ed25519.PrivateKey()
    let messages = (0..<64).map { n in (0..<1024).map { UInt8(truncatingIfNeeded: $0 &* 31 &+ n) } }
    let signatures = messages.map { key.signature(for: $0) }
    let publicKey = key.publicKey

    // One iteration = 1,000 operations (scalingFactor .kilo): throughput is in K/s.
    Benchmark("ed25519-verify-1KiB") { benchmark in
        var valid = 0
        for index in benchmark.scaledIterations {
            let n = index & 63
            if publicKey.isValidSignature(signatures[n], for: messages[n]) { valid += 1 }
        }
        precondition(valid == benchmark.scaledIterations.count, "a valid signature failed to verify")
        blackHole(valid)
    }

    Benchmark("ed25519-sign-1KiB") { benchmark in
        for index in benchmark.scaledIterations {
            blackHole(key.signature(for: messages[index & 63]))
        }
    }
}
