import ArgumentParser
import CairnControl

/// `cairn keys`: the epoch keys of each level.
struct KeysCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "keys",
        abstract: "Show the epoch keys of each level and who holds them.",
        subcommands: [KeysListCommand.self],
        defaultSubcommand: KeysListCommand.self)
}

/// `cairn keys list`.
struct KeysListCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "list",
        abstract: "List levels, epochs and which devices hold which key (as far as this site knows).",
        discussion: """
            Each level this site is cleared for has one or more epoch keys: the first ones \
            created when sites started, later ones by rotation after a revocation or a charter \
            amendment. CURRENT marks the key new writes use (the highest number, then key id). \
            HOLDERS are the devices this site has seen a grant of the key to; a device never \
            appears under a key of a level above its clearance, and a revoked device never \
            under a key created after its revocation.

            Examples:
              cairn keys list
              cairn keys list --json | jq '.levels[] | {name, current: (.epochs[] | select(.current))}'
            """)

    @Flag(name: .long, help: "Print the API's JSON document.")
    var json = false

    @OptionGroup var layout: TableOptions

    @OptionGroup var connection: ConnectionOptions

    func run() throws {
        let document = try connection.client.keys()
        if json { return try Output.json(document) }
        Output.table(
            TextTable(
                [.init("LEVEL"), .init("EPOCH"), .init("KEY ID"), .init("HELD"), .init("CURRENT"), .init("HOLDERS", fit: .wrap)],
                rows: document.levels.flatMap { level in
                level.epochs.map { epoch in
                    [
                        level.name, "\(epoch.number)", String(epoch.keyId.prefix(16)), epoch.held ? "yes" : "no",
                        epoch.current ? "yes" : "", epoch.holders.joined(separator: " "),
                    ]
                }
            }),
            width: layout.width)
    }
}
