import Foundation
import Testing

/// Loads the committed known-answer vectors in `Keys/vectors/`. The package root is found from
/// this file's own path, so the tests do not depend on the working directory `swift test` uses.
enum Fixtures {
    /// Why a fixture could not be loaded.
    enum LoadError: Error, CustomStringConvertible {
        case packageRootNotFound(startingAt: String)
        case invalidHex(String)

        var description: String {
            switch self {
            case .packageRootNotFound(let path):
                return "no directory holding Package.swift above \(path): run the tests from the package checkout"
            case .invalidHex(let text):
                return "fixture value is not even-length lowercase/uppercase hex: \(text.prefix(40))…"
            }
        }
    }

    /// The nearest directory above `file` that contains `Package.swift`.
    static func packageRoot(startingAt file: String = #filePath) throws -> URL {
        let fileManager = FileManager.default
        var directory = URL(fileURLWithPath: file).deletingLastPathComponent()
        while directory.pathComponents.count > 1 {
            if fileManager.fileExists(atPath: directory.appendingPathComponent("Package.swift").path) {
                return directory
            }
            directory.deleteLastPathComponent()
        }
        throw LoadError.packageRootNotFound(startingAt: file)
    }

    /// Decodes `Keys/vectors/<name>` as `T`.
    static func load<T: Decodable>(_ name: String, as type: T.Type = T.self) throws -> T {
        let url = try packageRoot().appendingPathComponent("Keys/vectors").appendingPathComponent(name)
        return try JSONDecoder().decode(T.self, from: Data(contentsOf: url))
    }

    static func ed25519() throws -> Ed25519Fixture { try load("ed25519-rfc8032.json") }
    static func xchacha() throws -> XChaChaFixture { try load("xchacha20poly1305-draft.json") }
    static func blake2b() throws -> BLAKE2bFixture { try load("blake2b.json") }
    static func x25519() throws -> X25519Fixture { try load("x25519-rfc7748.json") }
}

/// Hex decoding for fixture values.
func hex(_ text: String) throws -> [UInt8] {
    let digits = Array(text.utf8)
    guard digits.count % 2 == 0 else { throw Fixtures.LoadError.invalidHex(text) }
    var bytes: [UInt8] = []
    bytes.reserveCapacity(digits.count / 2)
    var index = 0
    while index < digits.count {
        guard let high = nibble(digits[index]), let low = nibble(digits[index + 1]) else {
            throw Fixtures.LoadError.invalidHex(text)
        }
        bytes.append(high << 4 | low)
        index += 2
    }
    return bytes
}

private func nibble(_ digit: UInt8) -> UInt8? {
    switch digit {
    case UInt8(ascii: "0")...UInt8(ascii: "9"): return digit - UInt8(ascii: "0")
    case UInt8(ascii: "a")...UInt8(ascii: "f"): return digit - UInt8(ascii: "a") + 10
    case UInt8(ascii: "A")...UInt8(ascii: "F"): return digit - UInt8(ascii: "A") + 10
    default: return nil
    }
}

// MARK: - Fixture shapes (field names match the JSON files)

struct Ed25519Fixture: Decodable, Sendable {
    struct Vector: Decodable, Sendable, CustomTestStringConvertible {
        let name, secretKey, publicKey, message, signature: String
        var testDescription: String { name }
    }
    struct Negative: Decodable, Sendable, CustomTestStringConvertible {
        let name, publicKey, message, signature, source: String
        var testDescription: String { name }
    }
    let source: String
    let vectors: [Vector]
    let negative: [Negative]
}

struct XChaChaFixture: Decodable, Sendable {
    let source, plaintextText, plaintext, aad, key, nonce, ciphertext, tag: String
}

struct BLAKE2bFixture: Decodable, Sendable {
    struct Vector: Decodable, Sendable, CustomTestStringConvertible {
        let name, source, key, input, hash: String
        let outputLength: Int
        var testDescription: String { name }
    }
    let source: String
    let vectors: [Vector]
}

struct X25519Fixture: Decodable, Sendable {
    struct Vector: Decodable, Sendable, CustomTestStringConvertible {
        let name, privateKey, publicKey: String
        var testDescription: String { name }
    }
    let source: String
    let vectors: [Vector]
}
