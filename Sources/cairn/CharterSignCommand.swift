import ArgumentParser
import CairnTrust

/// `cairn charter sign`: add one agency's signature to a charter file.
struct CharterSignCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "sign",
        abstract: "Add an agency's signature to a charter file, in place or to a copy.",
        discussion: """
            Signs the charter with the agency root key and rewrites the file atomically \
            (temporary file, then rename), keeping the signatures already there; with --out, \
            the signed copy goes to a new file and the draft is left as it is, so that agencies \
            can sign copies of one draft in parallel and `cairn charter merge` them. Before \
            signing, compare the printed fingerprint with the one the charter's author read out: \
            you sign exactly those bytes.

            For a genesis, the key must be the root key the charter lists for its agency. For an \
            amendment, what counts is that the agency was a member of the previous version.

            Examples:
              cairn charter sign charter.cairn --key alpha.key --passphrase-file pass.txt
              cairn charter sign draft.cairn --key bravo.key --passphrase-file - --out draft.bravo.cairn
            """)

    @Argument(help: ArgumentHelp("The charter file to sign.", valueName: "file"))
    var file: String

    @Option(name: .long, help: ArgumentHelp("Write the signed copy here (a new file) instead of rewriting FILE.", valueName: "file"))
    var out: String?

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
        try signed.signed.write(to: out ?? file, replacing: out == nil)
        let signatures = Format.count(signed.signed.signatures.count, "signature")
        Output.line("Signed \(out ?? file) as agency \(rootKey.name): \(signatures), threshold \(signed.threshold).")
        Output.line("Fingerprint: \(signed.fingerprintHex)")
    }
}
