import ArgumentParser
import CairnControl
import Foundation

/// `cairn audit export`: the whole log with a head signed by the device.
struct AuditExportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "export",
        abstract: "Export every audit entry with the chain head signed by this device.",
        discussion: """
            Writes one JSON document: the device (reference and signing key), every entry, and \
            the head (last sequence number and hash) signed with the device's Ed25519 key over \
            "cairn/v1/audit-head" || 0x00 || u64be(seq) || hash. An outside checker recomputes \
            every entry's hash (the algorithm is in Docs/ControlAPI.md), compares the head, and \
            checks the signature against the key in the device's certificate. The daemon refuses \
            to sign a log that does not verify.

            Examples:
              cairn audit export --out /media/usb/audit.json
              cairn audit export | jq '.head'
            """)

    @OptionGroup var connection: ConnectionOptions

    @Option(help: ArgumentHelp("Write to this file (refuses an existing one) instead of standard output.", valueName: "file"))
    var out: String?

    func run() throws {
        let export = try connection.client.exportAudit()
        let text = try ControlJSON.prettyText(export)
        guard let out else { return Output.line(text.hasSuffix("\n") ? String(text.dropLast()) : text) }
        guard !FileManager.default.fileExists(atPath: out) else {
            throw CLIError.failure("\(out) exists; choose another file")
        }
        guard FileManager.default.createFile(atPath: out, contents: Data(text.utf8), attributes: [.posixPermissions: 0o600]) else {
            throw CLIError.failure("cannot write \(out)")
        }
        Output.line("exported \(export.entries.count) entries, head \(export.head.seq) \(export.head.hash.prefix(16))… signed by \(export.device.ref) to \(out)")
    }
}
