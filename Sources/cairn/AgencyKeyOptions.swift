import ArgumentParser
import CairnTrust

/// `--key` and `--passphrase-file`: the agency root key of the ceremony verbs that sign with it
/// (charter sign, device certify, device revoke).
struct AgencyKeyOptions: ParsableArguments {
    @Option(name: .long, help: ArgumentHelp("The agency root key file.", valueName: "file"))
    var key: String

    @Option(name: .customLong("passphrase-file"), help: ArgumentHelp("The key file's passphrase.", valueName: "file"))
    var passphraseFile: String?

    /// Loads the key, unsealing it with the passphrase file if one is given.
    func load() throws -> AgencyRootKey {
        try AgencyRootKey.load(from: key, passphrase: try Ceremony.passphrase(file: passphraseFile))
    }
}
