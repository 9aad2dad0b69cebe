// swift-tools-version:6.0
import PackageDescription

// libFuzzer executables for Cairn's decoders (see Docs/Fuzzing.md). Built by `make fuzz`:
//
//   swift build --package-path Fuzz --scratch-path .build-fuzz -c release \
//     -Xswiftc -sanitize=fuzzer,address -Xswiftc -use-ld=lld \
//     -Xswiftc -enable-testing -Xswiftc -DCAIRN_FUZZING
//
// The targets' logic lives in the main package's Sources/CairnFuzzing (so `make test` replays
// the corpus through the same code); `Sources/FuzzTargets` is a link to it, compiled here
// under another module name because the main package does not export it as a product.

let targets = ["frame", "envelope", "grant", "bundle", "charter", "certificate", "controlRequest", "auditAnchor", "reconcile", "grantCopies"]

let package = Package(
    name: "cairn-fuzz",
    platforms: [.macOS(.v15)],
    dependencies: [
        .package(name: "cairn", path: ".."),
        .package(url: "https://github.com/apple/swift-nio.git", from: "2.101.2"),
    ],
    targets: [
        .target(
            name: "FuzzTargets",
            dependencies: [
                .product(name: "CairnModel", package: "cairn"),
                .product(name: "CairnCrypto", package: "cairn"),
                .product(name: "CairnTrust", package: "cairn"),
                .product(name: "CairnProtocol", package: "cairn"),
                .product(name: "CairnTransport", package: "cairn"),
                .product(name: "CairnControl", package: "cairn"),
                .product(name: "CairnDaemon", package: "cairn"),
                .product(name: "CairnTestSupport", package: "cairn"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOEmbedded", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
            ]
        ),
    ] + targets.map { name in
        .executableTarget(name: "fuzz-\(name)", dependencies: ["FuzzTargets"], path: "Sources/fuzz-\(name)")
    }
)
