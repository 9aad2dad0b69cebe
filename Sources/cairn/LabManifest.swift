import CairnControl
import Foundation

/// `lab.json`: what `cairn lab create` made, read by the other lab commands.
///
/// Format (`"format": "cairn-lab/1"`); every path is relative to the lab directory, so a lab
/// can be moved as a whole:
///
///     {
///       "format": "cairn-lab/1",
///       "created": "2026-11-25T17:00:00Z",
///       "federation": {"name": "lab", "id": "<32 hex>", "charter": "charter.cairn",
///                      "fingerprint": "<64 hex>", "threshold": 2, "levels": ["UNCLASSIFIED", ...]},
///       "agencies": [{"name": "alpha", "ceiling": "SECRET", "publicKey": "<64 hex>",
///                     "keyFile": "agencies/alpha.key"}],
///       "devices": [{"ref": "alpha/hq", "agency": "alpha", "name": "hq", "clearance": "SECRET",
///                    "id": "<64 hex>", "dir": "alpha-hq", "config": "alpha-hq/cairnd.toml",
///                    "socket": "alpha-hq/cairnd.sock", "syncListen": "127.0.0.1:40123",
///                    "log": "alpha-hq/cairnd.log", "pidFile": "alpha-hq/cairnd.pid"}]
///     }
struct LabManifest: Codable {
    static let formatName = "cairn-lab/1"
    static let fileName = "lab.json"

    struct Federation: Codable {
        var name: String
        var id: String
        var charter: String
        var fingerprint: String
        var threshold: Int
        var levels: [String]
    }

    struct Agency: Codable {
        var name: String
        var ceiling: String
        var publicKey: String
        var keyFile: String
    }

    struct Device: Codable {
        var ref: String
        var agency: String
        var name: String
        var clearance: String
        var id: String
        var dir: String
        var config: String
        var socket: String
        var syncListen: String
        var log: String
        var pidFile: String
    }

    var format: String
    var created: String
    var federation: Federation
    var agencies: [Agency]
    var devices: [Device]

    /// Reads `DIR/lab.json`, refusing anything that is not a lab of this format.
    static func load(from directory: String) throws -> LabManifest {
        let path = directory + "/" + fileName
        guard let data = FileManager.default.contents(atPath: path) else {
            throw CLIError.failure("\(path) does not exist: \(directory) is not a lab (make one with cairn lab create)")
        }
        let manifest: LabManifest
        do {
            manifest = try JSONDecoder().decode(LabManifest.self, from: data)
        } catch {
            throw CLIError.failure("\(path) is not a valid lab manifest: \(ControlJSON.describe(error))")
        }
        guard manifest.format == formatName else {
            throw CLIError.failure("\(path) has format \"\(manifest.format)\"; this cairn reads \"\(formatName)\"")
        }
        return manifest
    }

    /// The devices named by `refs` (all when empty), in manifest order.
    func devices(_ refs: [String]) throws -> [Device] {
        if refs.isEmpty { return devices }
        return try refs.map { ref in
            guard let device = devices.first(where: { $0.ref == ref }) else {
                throw CLIError.usage(
                    "the lab has no device \(ref); it has \(devices.map(\.ref).joined(separator: ", "))")
            }
            return device
        }
    }
}

/// Absolute paths of a lab.
struct LabPaths {
    let root: String

    /// `directory` made absolute, with symbolic links resolved (so that `up` and `down` name
    /// the same config path whichever spelling of the directory they are given), and without
    /// a trailing slash.
    init(_ directory: String) {
        var path = directory
        if !path.hasPrefix("/") { path = FileManager.default.currentDirectoryPath + "/" + path }
        root = URL(fileURLWithPath: path).standardizedFileURL.resolvingSymlinksInPath().path
    }

    /// A path of the manifest, made absolute.
    func resolve(_ relative: String) -> String {
        root + "/" + relative
    }
}
