import ArgumentParser

/// `cairn charter …`: the federation's charter.
struct CharterCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "charter",
        abstract: "Create, sign and inspect federation charters (offline key ceremony).",
        discussion: """
            The charter defines the federation: its classification levels (lowest first), its \
            member agencies with their root public keys and clearance ceilings, and the number \
            of agency signatures (threshold) a new version needs. A genesis charter (version 1) \
            must be signed by a threshold of its own agencies; version N+1 by a threshold of \
            the agencies of version N.

            A ceremony: one agency creates the charter file, each signing agency runs \
            `cairn charter sign` on it in turn (comparing the fingerprint read aloud), and \
            `cairn charter show` confirms it verifies before it is installed on the daemons.

            Examples:
              cairn charter create --federation coalition --agency alpha:<hex>:SECRET \\
                  --agency bravo:bravo.pub:CONFIDENTIAL --threshold 2 --out charter.cairn
              cairn charter sign charter.cairn --key alpha.key --passphrase-file pass.txt
              cairn charter show charter.cairn
            """,
        subcommands: [CharterCreateCommand.self, CharterSignCommand.self, CharterMergeCommand.self, CharterShowCommand.self, CharterApplyCommand.self]
    )
}
