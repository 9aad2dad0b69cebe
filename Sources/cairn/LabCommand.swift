import ArgumentParser

/// `cairn lab …`: a whole federation on this machine, for trying Cairn out and for tests.
struct LabCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "lab",
        abstract: "Build and run a local test federation of daemons on this machine.",
        discussion: """
            A lab is a directory holding everything a small federation needs: agency root keys, \
            a genesis charter signed by them, and for each device its keys, certificate, a copy \
            of the charter, a state directory and a cairnd.toml (test mode, loopback sync port, \
            control socket inside the device's directory). lab.json describes it all.

            Labs use freshly generated, unsealed keys and test mode: never use one for real data.

            Examples:
              cairn lab create /tmp/lab --agency alpha:SECRET --agency bravo:CONFIDENTIAL \\
                  --device alpha/hq --device alpha/laptop:RESTRICTED --device bravo/hq
              cairn lab up /tmp/lab
              eval "$(cairn lab env /tmp/lab alpha/hq)"; cairn status
              cairn lab down /tmp/lab
            """,
        subcommands: [
            LabCreateCommand.self, LabUpCommand.self, LabDownCommand.self, LabEnvCommand.self, LabStatusCommand.self,
        ]
    )
}
