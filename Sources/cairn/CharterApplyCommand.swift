import ArgumentParser
import CairnControl
import CairnTrust

/// `cairn charter apply FILE`: give the local daemon the next charter version.
struct CharterApplyCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "apply",
        abstract: "Give the local daemon an amended charter (the next version).",
        discussion: """
            The daemon accepts the charter only if it is the version after the one it holds, \
            signed by the threshold of agencies of that one. Devices whose agency the amendment \
            removes, or whose clearance is now above their agency's ceiling, are withdrawn \
            (their agency must certify them again); the keys they could read are rotated. The \
            daemon passes the amendment on to its peers. Point device.charter in cairnd.toml \
            at the new file when convenient: a daemon whose configuration names an older \
            version of the same history starts with the newest one it holds.

            Examples:
              cairn charter apply charter-v2.cairn
            """)

    @Argument(help: ArgumentHelp("The amended charter file.", valueName: "file"))
    var file: String

    @Flag(name: .long, help: "Print the daemon's JSON answer.")
    var json = false

    @OptionGroup var connection: ConnectionOptions

    func run() throws {
        let signed = try SignedObject.read(from: file, kind: .charter)
        let result = try connection.client.amendCharter(SignedObjectRequest(bytes: signed.serialized()))
        if json { return try Output.json(result) }
        Output.pairs([
            ("charter version", "\(result.version)"), ("fingerprint", result.fingerprint),
            ("daemon", result.amended ? "amended" : "already held this version (nothing changed)"),
            ("withdrawn", result.withdrawn.isEmpty ? "none" : result.withdrawn.joined(separator: ", ")),
            ("keys rotated", result.rotated.isEmpty ? "none" : result.rotated.joined(separator: ", ")),
        ])
    }
}
