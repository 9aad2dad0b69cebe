import Foundation

/// Paths of the built executables and the package, found from the test bundle's location
/// (`.build/<triple>/debug/cairnPackageTests.xctest` lives next to `cairn` and `cairnd`).
enum Binaries {
    static var productsDirectory: String {
        let bundle = Bundle.main.bundleURL
        if bundle.pathExtension == "xctest" { return bundle.deletingLastPathComponent().path }
        let argument = URL(fileURLWithPath: CommandLine.arguments[0])
        var directory = argument.deletingLastPathComponent()
        while directory.path != "/" {
            if FileManager.default.isExecutableFile(atPath: directory.appendingPathComponent("cairnd").path) {
                return directory.path
            }
            directory = directory.deletingLastPathComponent()
        }
        return bundle.path
    }

    static var cairnd: String { productsDirectory + "/cairnd" }
    static var cairn: String { productsDirectory + "/cairn" }
    /// The test tool that holds many half-sent control requests (Tests/Tools/cairn-flood).
    static var flood: String { productsDirectory + "/cairn-flood" }

    /// The package root (the directory holding Package.swift), from this file's path.
    static var packageRoot: String {
        var url = URL(fileURLWithPath: #filePath)
        while url.path != "/" {
            url.deleteLastPathComponent()
            if FileManager.default.fileExists(atPath: url.appendingPathComponent("Package.swift").path) { return url.path }
        }
        fatalError("Package.swift not found above \(#filePath)")
    }
}
