import ArgumentParser

/// `cairn agency …`: agency root keys.
struct AgencyCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "agency",
        abstract: "Manage agency root keys (offline key ceremony).",
        discussion: """
            An agency's root key signs charters and device certificates, nothing else. Make it \
            on an offline machine, seal it with a passphrase, and keep it offline: only its \
            public key goes into the charter.

            Examples:
              cairn agency keygen --name alpha --out alpha.key --passphrase-file pass.txt
            """,
        subcommands: [AgencyKeygenCommand.self]
    )
}
