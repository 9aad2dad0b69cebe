import ArgumentParser
import CairnControl

/// `cairn digest`: a fingerprint of the records the daemon holds, to compare two sites.
struct DigestCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "digest",
        abstract: "Show a digest of the records held, per level and overall, to compare sites.",
        discussion: """
            Asks the local daemon (GET /v1/digest) for a BLAKE2b-256 digest of every record it \
            holds at each level up to its clearance (deleted records included), and one over \
            all levels. Two sites that hold the same records - the same fields, conflicts, tags \
            and deletions - show the same digest at each level, whatever order their deltas \
            arrived in; a single differing field changes it. Compare digests once writes have \
            stopped: a digest taken during writes mixes moments.

            Sites of different clearances differ overall; compare the levels both hold.

            Examples:
              cairn digest
              cairn digest --json | jq -r .levels.SECRET.digest
              diff <(cairn digest --socket /tmp/lab/alpha-hq/cairnd.sock) \\
                   <(cairn digest --socket /tmp/lab/alpha-laptop/cairnd.sock)
            """)

    @OptionGroup var connection: ConnectionOptions

    @Flag(name: .long, help: "Print the API's JSON document (pretty, sorted keys).")
    var json = false

    func run() throws {
        let client = connection.client
        let document = try client.digest()
        if json { return try Output.json(document) }
        // The charter's order (lowest first) reads better than the alphabet.
        let order = try client.status().levels.map(\.name)
        let rank = { (name: String) in (order.firstIndex(of: name) ?? .max, name) }
        let names = document.levels.keys.sorted { rank($0) < rank($1) }
        Output.table(
            ["LEVEL", "RECORDS", "DIGEST"],
            names.map { name in
                let level = document.levels[name]!
                return [name, "\(level.records)", level.digest]
            })
        Output.line()
        Output.line("overall: \(document.digest)")
    }
}
