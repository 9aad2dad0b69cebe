import ArgumentParser
import CairnCrypto
import CairnTrust
import Foundation

/// `cairnd init`: creates this device's keys and the certification request its agency signs.
struct Init: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "init",
        abstract: "Create this device's keys and a certification request for its agency.",
        discussion: """
            Writes OUT/device.keys (mode 0600: the device's signing, key-wrapping and TLS secret \
            keys, sealed with a passphrase when one is given) and OUT/device.request (public, to \
            carry to the agency's key ceremony: `cairn device certify --request …`). Never copy \
            device.keys to another machine: one identity on two machines forks its history.
            """)

    @Option(help: "The agency this device belongs to.")
    var agency: String

    @Option(help: "This device's name within its agency ([a-z0-9-], at most 32).")
    var device: String

    @Option(help: "Directory to write device.keys and device.request into (created 0700 if missing).")
    var out: String

    @Option(
        name: .customLong("passphrase-file"),
        help: "Seal device.keys with the passphrase in this file (Argon2id); - reads standard input (on a terminal, a prompt that asks twice).")
    var passphraseFile: String?

    @Option(name: .customLong("passphrase-fd"), help: "Seal device.keys with the passphrase read from this open file descriptor.")
    var passphraseFD: Int32?

    func run() throws {
        do {
            let ref = DeviceRef(agency: try AgencyName(agency), device: try DeviceName(device))
            if !FileManager.default.fileExists(atPath: out) {
                try FileManager.default.createDirectory(atPath: out, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
            }
            let passphrase: SecureBytes?
            do {
                passphrase = try PassphraseInput.read(file: passphraseFile, fd: passphraseFD, confirm: true)
            } catch let failure as PassphraseInput.Failure {
                throw ValidationError(failure.description)
            }
            let keys = DeviceSecretKeys.generate()
            let request: SignedObject = try CertificationRequest.create(
                keys: keys, agency: ref.agency, device: ref.device, createdAt: Int64(Date().timeIntervalSince1970))
            try keys.write(to: out + "/device.keys", passphrase: passphrase)
            try request.write(to: out + "/device.request")
            print("device \(ref) created")
            print("  keys:    \(out)/device.keys (keep private)")
            print("  request: \(out)/device.request (take to the agency's key ceremony)")
            print("  id:      \(keys.deviceID.hex)")
        } catch let error as ValidationError {
            throw error
        } catch {
            FileHandle.standardError.write(Data("cairnd init: \(error)\n".utf8))
            throw ExitCode(1)
        }
    }
}
