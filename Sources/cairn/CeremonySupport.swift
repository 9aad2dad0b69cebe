import CairnCrypto
import CairnModel
import CairnTrust
import Foundation

/// Helpers shared by the offline key-ceremony commands (agency, charter, device, lab).
enum Ceremony {
    /// Reads a passphrase file: its bytes without trailing newlines, kept in `SecureBytes`.
    static func passphrase(file path: String?) throws -> SecureBytes? {
        guard let path else { return nil }
        guard var bytes = FileManager.default.contents(atPath: path).map(Array.init) else {
            throw CLIError.failure("cannot read the passphrase file \(path)")
        }
        defer { for index in bytes.indices { bytes[index] = 0 } }
        while let last = bytes.last, last == 0x0A || last == 0x0D { bytes.removeLast() }
        guard !bytes.isEmpty else { throw CLIError.usage("the passphrase file \(path) is empty") }
        return SecureBytes(copying: bytes)
    }

    /// The current time in Unix seconds.
    static var now: Int64 { Int64(Date().timeIntervalSince1970) }

    /// Unix seconds as an ISO-8601 UTC time.
    static func iso(_ seconds: Int64) -> String {
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime]
        return formatter.string(from: Date(timeIntervalSince1970: TimeInterval(seconds)))
    }

    /// Lowercase hex.
    static func hex(_ bytes: [UInt8]) -> String { Hex.encode(bytes) }

    /// Decodes lowercase or uppercase hex, or nil if `text` is not hex of even length.
    static func unhex(_ text: String) -> [UInt8]? { try? Hex.decode(text) }

    /// Reads a charter file and checks its structure, without checking signatures.
    static func readCharter(_ path: String) throws -> CharterDraft {
        try CharterDraft.inspect(SignedObject.read(from: path, kind: .charter))
    }

    /// Verifies a charter given as its history, genesis first (one file for a genesis).
    static func verifiedCharter(_ paths: [String]) throws -> Charter {
        try Charter.verifyChain(paths.map { try SignedObject.read(from: $0, kind: .charter) })
    }

    /// Whether `signature` is a valid signature on `signed` by the key it carries.
    ///
    /// CairnTrust checks signatures only as a whole (threshold verification); showing each one
    /// separately needs the signed message, which CairnTrust defines as
    /// `kind || 0x00 || body` (`ObjectKind.signingMessage`, internal there).
    static func signatureVerifies(_ signature: SignedObject.Signature, on signed: SignedObject) -> Bool {
        guard let key = try? Ed25519.PublicKey(bytes: signature.publicKey) else { return false }
        return key.isValidSignature(signature.signature, for: Array(signed.kind.rawValue.utf8) + [0] + signed.body)
    }
}

extension String {
    /// The string with leading zeros up to `width` characters.
    func leftPadded(to width: Int) -> String {
        count >= width ? self : String(repeating: "0", count: width - count) + self
    }
}
