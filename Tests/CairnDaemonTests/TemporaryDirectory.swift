import Dispatch
import Foundation

/// Runs `body` with a fresh directory (mode 0700, unique per call so that tests can run in
/// parallel) and removes the directory and everything in it afterwards.
///
/// Paths stay short (`/tmp/cd-<12 hex>`) so that sockets and long-path tests have room.
func withTemporaryDirectory<T>(_ body: (String) throws -> T) throws -> T {
    let name = UUID().uuidString.replacingOccurrences(of: "-", with: "").prefix(12).lowercased()
    let path = "/tmp/cd-" + name
    guard mkdir(path, 0o700) == 0 else {
        throw FixtureError("cannot create \(path): \(String(cString: strerror(errno)))")
    }
    defer { try? FileManager.default.removeItem(atPath: path) }
    return try body(path)
}

/// `withTemporaryDirectory` for a body that awaits (the background tasks' tests).
func withTemporaryDirectory<T>(_ body: (String) async throws -> T) async throws -> T {
    let name = UUID().uuidString.replacingOccurrences(of: "-", with: "").prefix(12).lowercased()
    let path = "/tmp/cd-" + name
    guard mkdir(path, 0o700) == 0 else {
        throw FixtureError("cannot create \(path): \(String(cString: strerror(errno)))")
    }
    defer { try? FileManager.default.removeItem(atPath: path) }
    return try await body(path)
}

/// Runs blocking fixture work (loading sites, writes that wait for their commit) on a dispatch
/// thread and awaits it, so that async tests leave the cooperative pool's few threads (two on
/// this machine) to the tests running beside them.
func blocking<T: Sendable>(_ body: @escaping @Sendable () throws -> T) async throws -> T {
    try await withCheckedThrowingContinuation { continuation in
        DispatchQueue.global().async { continuation.resume(with: Result { try body() }) }
    }
}

/// A failure of the test fixtures themselves (not of the code under test).
struct FixtureError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}

/// Writes `text` to `path` with `mode`.
func writeFile(_ path: String, _ text: String, mode: Int = 0o644) throws {
    try text.write(toFile: path, atomically: false, encoding: .utf8)
    try FileManager.default.setAttributes([.posixPermissions: mode], ofItemAtPath: path)
}

/// The permission bits of `path`.
func mode(of path: String) throws -> Int {
    let attributes = try FileManager.default.attributesOfItem(atPath: path)
    guard let mode = attributes[.posixPermissions] as? Int else { throw FixtureError("no mode for \(path)") }
    return mode & 0o777
}
