// swift-tools-version:6.0
import PackageDescription

// Dependencies point one way, down this list (see Docs/Architecture.md):
// executables → CairnDaemon → CairnTransport / CairnStore / CairnProtocol → CairnTrust → CairnWire, CairnCrypto, CairnModel.
// The CLI links only CairnControl and the offline key-ceremony code in CairnTrust.

let package = Package(
    name: "cairn",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "cairn", targets: ["cairn"]),
        .executable(name: "cairnd", targets: ["cairnd"]),
        // The typed control-API client, for tools and benchmarks that drive a daemon.
        .library(name: "CairnControl", targets: ["CairnControl"]),
        // The crypto primitives, for benchmarks that compare against the machine's limits.
        .library(name: "CairnCrypto", targets: ["CairnCrypto"]),
        // The rest of the layers, for the benchmark and fuzzing packages that drive them
        // in-process (Benchmarks/, Fuzz/). Not an API promise to anyone else.
        .library(name: "CairnModel", targets: ["CairnModel"]),
        .library(name: "CairnWire", targets: ["CairnWire"]),
        .library(name: "CairnTrust", targets: ["CairnTrust"]),
        .library(name: "CairnProtocol", targets: ["CairnProtocol"]),
        .library(name: "CairnStore", targets: ["CairnStore"]),
        .library(name: "CairnTransport", targets: ["CairnTransport"]),
        .library(name: "CairnDaemon", targets: ["CairnDaemon"]),
        .library(name: "CairnTestSupport", targets: ["CairnTestSupport"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-nio.git", from: "2.101.2"),
        .package(url: "https://github.com/apple/swift-protobuf.git", from: "1.39.0"),
        .package(url: "https://github.com/apple/swift-log.git", from: "1.16.2"),
        .package(url: "https://github.com/apple/swift-argument-parser.git", from: "1.8.2"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle.git", from: "2.13.0"),
        .package(url: "https://github.com/groue/GRDB.swift.git", from: "7.10.0"),
        .package(url: "https://github.com/apple/swift-metrics.git", from: "2.13.0"),
        .package(url: "https://github.com/swift-server/swift-prometheus.git", from: "2.4.1"),
    ],
    targets: [
        // C libraries from the system.
        .systemLibrary(
            name: "CSodium",
            pkgConfig: "libsodium",
            providers: [.apt(["libsodium-dev"])]
        ),
        .systemLibrary(
            name: "COpenSSL",
            pkgConfig: "openssl",
            providers: [.apt(["libssl-dev"])]
        ),

        // Core, no I/O.
        .target(name: "CairnModel"),
        .target(name: "CairnCrypto", dependencies: ["CSodium"]),
        .target(
            name: "CairnWire",
            dependencies: [.product(name: "SwiftProtobuf", package: "swift-protobuf")]
        ),
        .target(
            name: "CairnTrust",
            dependencies: [
                "CairnModel", "CairnCrypto", "CairnWire",
                .product(name: "SwiftProtobuf", package: "swift-protobuf"),
            ]
        ),
        .target(
            name: "CairnProtocol",
            dependencies: [
                "CairnTrust", "CairnModel", "CairnCrypto", "CairnWire",
                .product(name: "SwiftProtobuf", package: "swift-protobuf"),
            ]
        ),

        // Adapters.
        .target(
            name: "CairnStore",
            dependencies: ["CairnModel", .product(name: "GRDB", package: "GRDB.swift")]
        ),
        .target(name: "CairnControl"),
        .target(
            name: "CairnTransport",
            dependencies: [
                "COpenSSL", "CairnCrypto",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        .target(
            name: "CairnDaemon",
            dependencies: [
                "CairnModel", "CairnCrypto", "CairnTrust", "CairnProtocol", "CairnStore", "CairnControl", "CairnTransport",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "UnixSignals", package: "swift-service-lifecycle"),
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "Prometheus", package: "swift-prometheus"),
            ]
        ),

        // Executables.
        .executableTarget(
            name: "cairnd",
            dependencies: [
                "CairnDaemon", "CairnControl", "CairnTrust", "CairnCrypto",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]
        ),
        .executableTarget(
            name: "cairn",
            dependencies: [
                "CairnControl", "CairnTrust", "CairnCrypto", "CairnModel",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]
        ),

        // Test support and tests.
        .target(
            name: "CairnTestSupport",
            dependencies: ["CairnModel", "CairnCrypto", "CairnTrust"]
        ),
        // The fuzz targets' entry points (issue 6): driven by the libFuzzer executables in
        // Fuzz/ and replayed over the committed corpus by CairnFuzzingTests.
        .target(
            name: "CairnFuzzing",
            dependencies: [
                "CairnModel", "CairnCrypto", "CairnTrust", "CairnProtocol", "CairnTransport", "CairnControl",
                "CairnDaemon", "CairnTestSupport",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOEmbedded", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
            ]
        ),
        .testTarget(name: "CairnFuzzingTests", dependencies: ["CairnFuzzing"]),
        // Holds many half-sent control requests (the control socket's budgets, Docs/ThreatModel.md).
        .executableTarget(name: "cairn-flood", path: "Tests/Tools/cairn-flood"),
        .testTarget(name: "CairnCryptoTests", dependencies: ["CairnCrypto"]),
        .testTarget(name: "CairnModelTests", dependencies: ["CairnModel", "CairnTestSupport"]),
        .testTarget(name: "CairnTrustTests", dependencies: ["CairnTrust", "CairnCrypto", "CairnModel", "CairnTestSupport"]),
        .testTarget(name: "CairnProtocolTests", dependencies: ["CairnProtocol", "CairnTestSupport"]),
        .testTarget(name: "CairnStoreTests", dependencies: ["CairnStore", "CairnTestSupport"]),
        .testTarget(name: "CairnControlTests", dependencies: ["CairnControl"]),
        // The CLI's layout and wording, without a daemon (`@testable import cairn`).
        .testTarget(name: "cairnTests", dependencies: ["cairn", "CairnControl", "CairnTestSupport"]),
        .testTarget(
            name: "CairnTransportTests",
            dependencies: [
                "CairnTransport", "COpenSSL", "CairnCrypto",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
            ]
        ),
        .testTarget(
            name: "CairnDaemonTests",
            dependencies: [
                "CairnDaemon", "CairnControl", "CairnTrust", "CairnCrypto", "CairnModel", "CairnTestSupport",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOEmbedded", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
            ]
        ),
        .testTarget(
            name: "CairnIntegrationTests",
            dependencies: [
                "CairnControl", "CairnCrypto", "CairnTestSupport", "CairnTransport", "CairnProtocol", "CairnTrust",
                "CairnModel",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
            ]
        ),
    ]
)
