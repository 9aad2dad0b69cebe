import ArgumentParser
import CairnTrust

/// `cairn charter sign`: add one agency's signature to a charter file.
struct CharterSignCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "sign",
        abstract: "Add an agency's signature to a charter file, in place.",
        discussion: """
            Signs the charter with the agency root key and rewrites the file atomically \
            (temporary file, then rename), keeping the signatures already there. Before \
            signing, compare the printed fingerprint with the one the charter's author read out: \
            you sign exactly those bytes.

            For a genesis, the key must be the root key the charter lists for its agency. For an \
            amendment, what counts is that the agency was a member of the previous version.

            Examples:
              cairn charter sign charter.cairn --key alpha.key --passphrase-file pass.txt
            """)

    @Argument(help: ArgumentHelp("The charter file to sign.", valueName: "file"))
    var file: String

    @OptionGroup var agencyKey: AgencyKeyOptions

    func run() throws {
        let draft = try Ceremony.readCharter(file)
        let rootKey = try agencyKey.load()
        if let listed = draft.agencies.first(where: { $0.name == rootKey.name }) {
            guard listed.rootKey == rootKey.publicKey else {
                throw CLIError.failure(
                    "\(agencyKey.key) is not the root key this charter lists for agency \(rootKey.name); "
                        + "its signature would be refused")
            }
        } else if draft.version == 1 {
            throw CLIError.failure(
                "agency \(rootKey.name) is not a member of this genesis charter; its signature would not count")
        } else {
            Output.warning(
                "agency \(rootKey.name) is not a member of this version; its signature counts only if it was "
                    + "a member of version \(draft.version - 1)")
        }
        let signed = try draft.sign(with: rootKey)
        try signed.signed.write(to: file, replacing: true)
        let signatures = Format.count(signed.signed.signatures.count, "signature")
        Output.line("Signed \(file) as agency \(rootKey.name): \(signatures), threshold \(signed.threshold).")
        Output.line("Fingerprint: \(signed.fingerprintHex)")
    }
}
