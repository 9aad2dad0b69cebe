// swift-tools-version:6.1
import PackageDescription

// Benchmarks of issue 6, kept out of the main package so that its build stays lean.
//
// In-process benchmarks use package-benchmark (`swift package benchmark`); the scenarios that
// need several daemons are driven by scripts/bench*.sh with the executables below. Everything
// here is built with `-enable-testing` (see scripts/bench-lib.sh) because the store generator
// drives the daemon's internal `Site` through `@testable import`: the real write path, real
// signatures, real sealing, without a public API for it in the main package.
let package = Package(
    name: "cairn-benchmarks",
    platforms: [.macOS(.v15)],
    dependencies: [
        .package(name: "cairn", path: ".."),
        .package(url: "https://github.com/ordo-one/package-benchmark.git", exact: "1.38.1", traits: ["MallocInterposer"]),
    ],
    targets: [
        .executableTarget(
            name: "cairn-load",
            dependencies: [.product(name: "CairnControl", package: "cairn")]
        ),
        .executableTarget(
            name: "cairn-limits",
            dependencies: [.product(name: "CairnCrypto", package: "cairn")]
        ),
        // Builds large stores in-process through the daemon's write path (cached by scripts).
        .executableTarget(
            name: "cairn-storegen",
            dependencies: [
                .product(name: "CairnDaemon", package: "cairn"),
                .product(name: "CairnControl", package: "cairn"),
                .product(name: "CairnTrust", package: "cairn"),
                .product(name: "CairnCrypto", package: "cairn"),
                .product(name: "CairnModel", package: "cairn"),
                .product(name: "CairnStore", package: "cairn"),
            ]
        ),
        // Watches the stores of a lab for the records written by one site (gossip latency).
        .executableTarget(
            name: "cairn-gossip",
            dependencies: [.product(name: "CairnControl", package: "cairn")]
        ),
        // A thin link (satellite, radio: rate limit and delay each way) as a TCP proxy, with its
        // model and self-measurement in a library so that they are unit-tested (issue 15).
        .target(name: "ThinLink"),
        .executableTarget(name: "cairn-thinlink", dependencies: ["ThinLink"]),
        .testTarget(name: "ThinLinkTests", dependencies: ["ThinLink"]),
        // package-benchmark: the limits a scenario is compared with (one core).
        .executableTarget(
            name: "Limits",
            dependencies: [
                .product(name: "Benchmark", package: "package-benchmark"),
                .product(name: "CairnCrypto", package: "cairn"),
            ],
            path: "Benchmarks/Limits",
            plugins: [.plugin(name: "BenchmarkPlugin", package: "package-benchmark")]
        ),
    ]
)
