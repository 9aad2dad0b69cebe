import ArgumentParser
import CairnTrust

/// `cairn agency keygen`: a new agency root key file.
struct AgencyKeygenCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "keygen",
        abstract: "Generate an agency root key and print its public key.",
        discussion: """
            Writes a new Ed25519 root key for the agency to --out (mode 0600; an existing file is \
            never overwritten) and prints the public key in hex, which goes into the charter \
            (cairn charter create --agency NAME:PUBLICKEY:CEILING).

            With --passphrase-file, the key is sealed with a key derived from the passphrase \
            (Argon2id); without it the file holds the key in the clear, which is acceptable only \
            on an offline machine or in a lab. The passphrase file's trailing newline is ignored.

            Agency names are 1 to 32 characters of a-z, 0-9 and -, not starting with -.

            Examples:
              cairn agency keygen --name alpha --out alpha.key --passphrase-file pass.txt
            """)

    @Option(name: .long, help: ArgumentHelp("The agency's name, as the charter will list it.", valueName: "name"))
    var name: String

    @Option(name: .long, help: ArgumentHelp("The key file to create.", valueName: "file"))
    var out: String

    @Option(
        name: .customLong("passphrase-file"),
        help: ArgumentHelp(
            "Seal the key with the passphrase in this file; - reads standard input (on a terminal, a prompt that asks twice).",
            valueName: "file"))
    var passphraseFile: String?

    @Option(name: .customLong("passphrase-fd"), help: ArgumentHelp("Seal the key with the passphrase read from this open file descriptor.", valueName: "n"))
    var passphraseFD: Int32?

    func validate() throws {
        do {
            _ = try AgencyName(name)
        } catch {
            throw ValidationError(
                "invalid --name \"\(name)\": use 1 to 32 characters of a-z, 0-9 and -, not starting with -.")
        }
    }

    func run() throws {
        let passphrase = try Ceremony.passphrase(file: passphraseFile, fd: passphraseFD, confirm: true)
        let key = AgencyRootKey.generate(name: try AgencyName(name))
        try key.write(to: out, passphrase: passphrase)
        if passphrase == nil {
            Output.warning("\(out) is not sealed with a passphrase; keep it on an offline machine")
        }
        Output.line(Ceremony.hex(key.publicKey.bytes))
    }
}
