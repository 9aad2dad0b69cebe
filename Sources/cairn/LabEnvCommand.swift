import ArgumentParser

/// `cairn lab env`: shell lines that point cairn at one lab device.
struct LabEnvCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "env",
        abstract: "Print shell commands that point cairn at a lab device.",
        discussion: """
            Prints `export CAIRN_SOCKET='…'` for the device's control socket, for eval in a \
            POSIX shell; later cairn commands in that shell then talk to that device.

            Examples:
              eval "$(cairn lab env /tmp/lab alpha/hq)"
              cairn status
            """)

    @Argument(help: ArgumentHelp("The lab directory.", valueName: "dir"))
    var directory: String

    @Argument(help: ArgumentHelp("The device, as AGENCY/NAME.", valueName: "agency/name"))
    var device: String

    func run() throws {
        let paths = LabPaths(directory)
        let selected = try LabManifest.load(from: paths.root).devices([device])[0]
        Output.line("export CAIRN_SOCKET=" + Self.shellQuoted(paths.resolve(selected.socket)))
    }

    /// `text` in single quotes, with each `'` written as `'\''`.
    static func shellQuoted(_ text: String) -> String {
        "'" + text.replacingOccurrences(of: "'", with: "'\\''") + "'"
    }
}
