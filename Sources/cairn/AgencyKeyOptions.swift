import ArgumentParser
import CairnTrust

/// `--key` and `--passphrase-file`: the agency root key of the ceremony verbs that sign with it
/// (charter sign, device certify, device revoke).
struct AgencyKeyOptions: ParsableArguments {
    @Option(name: .long, help: ArgumentHelp("The agency root key file.", valueName: "file"))
    var key: String

    @Option(
        name: .customLong("passphrase-file"),
        help: ArgumentHelp("The key file's passphrase, from this file; - reads standard input (a prompt on a terminal).", valueName: "file"))
    var passphraseFile: String?

    @Option(name: .customLong("passphrase-fd"), help: ArgumentHelp("The key file's passphrase, from this open file descriptor.", valueName: "n"))
    var passphraseFD: Int32?

    /// Loads the key, unsealing it with the passphrase given; a sealed key given without one is
    /// asked for on the terminal, when there is one.
    func load() throws -> AgencyRootKey {
        if let passphrase = try Ceremony.passphrase(file: passphraseFile, fd: passphraseFD) {
            return try AgencyRootKey.load(from: key, passphrase: passphrase)
        }
        do {
            return try AgencyRootKey.load(from: key, passphrase: nil)
        } catch TrustError.passphraseRequired {
            guard let typed = try Ceremony.promptForSealedKey(key) else { throw TrustError.passphraseRequired }
            return try AgencyRootKey.load(from: key, passphrase: typed)
        }
    }
}
