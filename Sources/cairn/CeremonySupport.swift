import CairnCrypto
import CairnModel
import CairnTrust
import Foundation

/// Helpers shared by the offline key-ceremony commands (agency, charter, device, lab).
enum Ceremony {
    /// The passphrase given with `--passphrase-file` (a path; `-` is standard input, a prompt
    /// with echo off on a terminal; pipes such as `/dev/stdin` and `<(…)` work) or
    /// `--passphrase-fd` (an open descriptor), without trailing newlines, kept in `SecureBytes`;
    /// nil when neither is given. `confirm`: a prompt asks twice (a new key's passphrase).
    static func passphrase(file path: String?, fd: Int32? = nil, confirm: Bool = false) throws -> SecureBytes? {
        do {
            return try PassphraseInput.read(file: path, fd: fd, confirm: confirm)
        } catch let failure as PassphraseInput.Failure {
            throw failure == PassphraseInput.bothSources ? CLIError.usage(failure.description) : CLIError.failure(failure.description)
        }
    }

    /// A prompt on the terminal for a sealed key given without a passphrase option, or nil when
    /// standard input is not a terminal (the caller then says which option to use).
    static func promptForSealedKey(_ path: String) throws -> SecureBytes? {
        guard PassphraseInput.canPrompt else { return nil }
        do {
            return try PassphraseInput.prompt("Passphrase for \(path): ")
        } catch let failure as PassphraseInput.Failure {
            throw CLIError.failure(failure.description)
        }
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
