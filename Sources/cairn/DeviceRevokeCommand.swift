import ArgumentParser
import CairnControl
import CairnTrust
import Foundation

/// `cairn device revoke AGENCY/NAME`: sign a revocation with the agency root key, write it to a
/// file, and (unless offline) give it to the local daemon.
struct DeviceRevokeCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "revoke",
        abstract: "Revoke a device: sign a revocation with its agency's root key.",
        discussion: """
            The revocation names the device's certificate by serial: give --certificate FILE or \
            --serial HEX, or let the command look the serial up in the local daemon (cairn \
            device list shows it). --key must be the charter's root key of the device's agency.

            Unless --offline, the revocation is handed to the local daemon, which verifies it, \
            stops accepting the device's connections and its deltas written from --effective-at \
            on, withdraws those it already holds (as does every site that learns of it), creates \
            a new epoch key for every level the device could read, grants it to \
            every device still cleared, and passes the revocation on to its peers. The revoked \
            device cannot read anything written after the rotation.

            With --offline (on the air-gapped ceremony machine), the revocation is only written \
            to --out; carry the file to a site and run `cairn device import-revocation FILE`.

            Examples:
              cairn device revoke police/laptop-7 --key police.key --charter charter.cairn \\
                  --reason "laptop lost" --out laptop-7.revocation
              cairn device revoke police/laptop-7 --key police.key --charter charter.cairn \\
                  --certificate laptop-7.cert --offline --out laptop-7.revocation
            """)

    @Argument(help: ArgumentHelp("The device to revoke.", valueName: "agency/name"))
    var device: String

    @OptionGroup var agencyKey: AgencyKeyOptions

    @Option(
        name: .long,
        help: ArgumentHelp("The charter in force (repeat for its history, genesis first).", valueName: "file"))
    var charter: [String] = []

    @Option(name: .long, help: ArgumentHelp("The device's certificate, to read its serial from.", valueName: "file"))
    var certificate: String?

    @Option(name: .long, help: ArgumentHelp("The certificate serial (32 hex digits).", valueName: "hex"))
    var serial: String?

    @Option(name: .long, help: ArgumentHelp("Why, for the audit log (at most 1024 bytes).", valueName: "text"))
    var reason: String = "revoked by its agency"

    @Option(
        name: .customLong("effective-at"),
        help: ArgumentHelp("Unix seconds from which the device's deltas are refused (default: now).", valueName: "seconds"))
    var effectiveAt: Int64?

    @Option(name: .long, help: ArgumentHelp("Also write the revocation to this file.", valueName: "file"))
    var out: String?

    @Flag(name: .long, help: "Do not contact the daemon: only write --out.")
    var offline = false

    @Flag(name: .long, help: "Print the daemon's JSON answer.")
    var json = false

    @OptionGroup var connection: ConnectionOptions

    func validate() throws {
        guard !charter.isEmpty else { throw ValidationError("give the charter with --charter FILE.") }
        guard certificate == nil || serial == nil else { throw ValidationError("give --certificate or --serial, not both.") }
        if offline {
            guard out != nil else { throw ValidationError("--offline needs --out FILE.") }
            guard certificate != nil || serial != nil else {
                throw ValidationError("--offline needs --certificate FILE or --serial HEX (the daemon cannot be asked).")
            }
            guard !json else { throw ValidationError("--json prints the daemon's answer; it cannot go with --offline.") }
        }
    }

    func run() throws {
        let ref: DeviceRef
        do {
            ref = try DeviceRef.parse(device)
        } catch {
            throw CLIError.usage("\(error)")
        }
        let verifiedCharter = try Ceremony.verifiedCharter(charter)
        let serialBytes = try findSerial(ref, charter: verifiedCharter)
        let rootKey = try agencyKey.load()
        let signed = try Revocation.issue(
            ref: ref, serial: serialBytes, agencyKey: rootKey, charter: verifiedCharter,
            effectiveAt: effectiveAt ?? Ceremony.now, reason: reason)
        let revocation = try Revocation.verify(signed, charter: verifiedCharter)
        if let out { try signed.write(to: out) }
        guard !offline else {
            return Output.pairs([
                ("revocation of", "\(revocation.ref)"), ("serial", Ceremony.hex(revocation.certificateSerial)),
                ("effective", Ceremony.iso(revocation.effectiveAt)), ("written", out ?? "-"),
            ])
        }
        let result = try connection.client.revoke(SignedObjectRequest(bytes: signed.serialized()))
        if json { return try Output.json(result) }
        RevocationReport.print(result, written: out)
    }

    private func findSerial(_ ref: DeviceRef, charter: Charter) throws -> [UInt8] {
        if let serial {
            guard let bytes = Ceremony.unhex(serial), bytes.count == DeviceCertificate.serialLength else {
                throw CLIError.usage("--serial must be \(DeviceCertificate.serialLength * 2) hex digits")
            }
            return bytes
        }
        if let certificate {
            let verified = try DeviceCertificate.verifyIgnoringTime(
                SignedObject.read(from: certificate, kind: .certificate), charter: charter)
            guard verified.ref == ref else {
                throw CLIError.usage("the certificate \(certificate) is of \(verified.ref), not \(ref)")
            }
            return verified.serial
        }
        let known = try connection.client.devices().filter { $0.device == "\(ref)" }
        guard let entry = known.first, let bytes = Ceremony.unhex(entry.serial) else {
            throw CLIError.failure("the daemon knows no device \(ref); give --certificate FILE or --serial HEX")
        }
        return bytes
    }
}

/// How a revocation's result is shown by `revoke` and `import-revocation`.
enum RevocationReport {
    static func print(_ result: RevocationResultDocument, written: String?) {
        var pairs: [(String, String)] = [
            ("revoked", result.device), ("serial", result.serial), ("effective", Ceremony.iso(result.effectiveAt)),
            ("reason", result.reason),
            ("daemon", result.learned ? "accepted" : "already held this revocation (nothing changed)"),
            ("keys rotated", result.rotated.isEmpty ? "none" : result.rotated.joined(separator: ", ")),
        ]
        if let written { pairs.append(("written", written)) }
        Output.pairs(pairs)
    }
}

/// `cairn device import-revocation FILE`: hand a revocation file to the local daemon.
struct DeviceImportRevocationCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "import-revocation",
        abstract: "Give the local daemon a revocation file made by `cairn device revoke`.",
        discussion: """
            The daemon verifies the revocation against its charter (signed by the root key of \
            the device's agency, this federation), keeps it, rotates the keys the device could \
            read and passes it on to its peers. Importing one already held changes nothing.

            Examples:
              cairn device import-revocation laptop-7.revocation
            """)

    @Argument(help: ArgumentHelp("The revocation file.", valueName: "file"))
    var file: String

    @Flag(name: .long, help: "Print the daemon's JSON answer.")
    var json = false

    @OptionGroup var connection: ConnectionOptions

    func run() throws {
        let signed = try SignedObject.read(from: file, kind: .revocation)
        let result = try connection.client.revoke(SignedObjectRequest(bytes: signed.serialized()))
        if json { return try Output.json(result) }
        RevocationReport.print(result, written: nil)
    }
}

/// `cairn device list`: the devices the local daemon knows.
struct DeviceListCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "list",
        abstract: "List the devices the local daemon knows, with revocations.",
        discussion: """
            Every device certificate the daemon has verified: its own and those its peers \
            presented or passed on. WITHDRAWN says from when a device is no longer trusted; \
            why (revoked, or withdrawn by a charter amendment) follows the table. The serial is \
            shown with --wide.

            Examples:
              cairn device list
              cairn device list --json | jq '.[] | select(.withdrawn != null) | .device'
            """)

    @Flag(name: .long, help: "Print the API's JSON document.")
    var json = false

    @OptionGroup var layout: TableOptions

    @OptionGroup var connection: ConnectionOptions

    func run() throws {
        let devices = try connection.client.devices()
        if json { return try Output.json(devices) }
        guard !devices.isEmpty else { return Output.line("no devices") }
        Output.table(Self.table(devices), width: layout.width)
    }

    /// The devices as a table; the serial is left out to fit, and why a device was withdrawn
    /// follows the table, whole.
    static func table(_ devices: [DeviceDocument]) -> TextTable {
        TextTable(
            [.init("DEVICE"), .init("CLEARANCE"), .init("SERIAL", dropRank: 1), .init("VALID UNTIL"), .init("WITHDRAWN")],
            rows: devices.map { device in
                [
                    device.device + (device.this ? " (this)" : ""), device.clearance, device.serial,
                    Ceremony.iso(device.notAfter), device.withdrawn.map { "from " + Ceremony.iso($0.effectiveAt) } ?? "-",
                ]
            },
            notes: devices.compactMap { device in
                device.withdrawn.map { "\(device.device): withdrawn: \(TextTable.flat($0.reason))" }
            })
    }
}
