import ArgumentParser
import CairnControl
import CairnDaemon

/// `cairnd`: the Cairn site daemon.
@main
struct Cairnd: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "cairnd",
        abstract: "The Cairn site daemon: a signed, encrypted record store with a local control API.",
        discussion: """
            Run a site:            cairnd --config /etc/cairn/cairnd.toml
            Check a configuration: cairnd --check-config /etc/cairn/cairnd.toml
            Create device keys:    cairnd init --agency police --device hq --out /etc/cairn

            The daemon stops gracefully on SIGTERM or SIGINT. See Docs/Operations.md.
            """,
        version: CairnVersion.string,
        subcommands: [Serve.self, Init.self],
        defaultSubcommand: Serve.self)
}
