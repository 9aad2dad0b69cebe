// swift-tools-version:6.0
import PackageDescription

// Load tools and benchmarks, kept out of the main package so that its build stays lean.
let package = Package(
    name: "cairn-benchmarks",
    platforms: [.macOS(.v15)],
    dependencies: [
        .package(name: "cairn", path: ".."),
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
    ]
)
