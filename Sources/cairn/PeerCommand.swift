import ArgumentParser
import CairnControl

/// `cairn peer`: the sites this daemon syncs with.
struct PeerCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "peer",
        abstract: "List, add and remove the sites this daemon syncs with.",
        discussion: """
            Peers come from the [peers] table of cairnd.toml (reloaded on SIGHUP) and from \
            `cairn peer add` (kept in the daemon's store). A peer is only a place to dial: \
            whoever answers must prove, in the TLS handshake, the key of a valid device \
            certificate of the federation, and is sent only what its clearance allows.
            """,
        subcommands: [PeerListCommand.self, PeerAddCommand.self, PeerRemoveCommand.self],
        defaultSubcommand: PeerListCommand.self)
}

/// `cairn peer list`.
struct PeerListCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "list",
        abstract: "Show every peer: connected or not, its device and clearance, what it lacks.",
        discussion: """
            LACKING is, per level both sides may hold, how many deltas this site holds that the \
            peer does not, as far as this site knows from the peer's last vector and \
            acknowledgements. MISSING is the other way: what the peer showed it holds that \
            this site has not stored yet (a catch-up in progress, or deltas refused here).

            The table fits 100 columns: it names only the levels that lack or miss something \
            (0 when none does) and leaves out columns as needed; --wide shows every column and \
            every level. Each disconnected peer's last connection error follows the table, \
            whole, on a line of its own.

            Examples:
              cairn peer list
              cairn peer list --json | jq '.peers[] | select(.connected | not) | .name'
            """)

    @OptionGroup var connection: ConnectionOptions

    @OptionGroup var layout: TableOptions

    @Flag(name: .long, help: "Print the API's JSON document.")
    var json = false

    func run() throws {
        let document = try connection.client.peers()
        if json { return try Output.json(document) }
        Output.line("listening on \(document.listen ?? "nothing (sync.listen is not set)")")
        guard !document.peers.isEmpty else { return Output.line("no peers") }
        Output.table(Self.table(document.peers, wide: layout.wide), width: layout.width)
    }

    /// The peers as a table. Fitted to the terminal it leaves out the traffic, the source, the
    /// address, the clearance and the last round, in that order, as far as needed, and names
    /// only the levels that lack something; connection errors are printed whole under it.
    static func table(_ peers: [PeerDocument], wide: Bool) -> TextTable {
        TextTable(
            [
                .init("PEER"), .init("ADDRESS", dropRank: 3), .init("SOURCE", dropRank: 4), .init("DEVICE"),
                .init("CLEARANCE", dropRank: 2), .init("CONNECTED"), .init("LAST ROUND", dropRank: 1),
                .init("LACKING", fit: .wrap), .init("MISSING", fit: .wrap), .init("SENT/RECEIVED", dropRank: 5),
            ],
            rows: peers.map { peer in
                [
                    peer.name, peer.address ?? "-", peer.source, peer.device ?? "-", peer.clearance ?? "-",
                    peer.connected ? "yes" : "no", peer.lastRound ?? "-",
                    Format.levels(peer, \.lacking, compact: !wide), Format.levels(peer, \.missing, compact: !wide),
                    "\(Format.bytes(Int64(peer.bytesSent)))/\(Format.bytes(Int64(peer.bytesReceived)))",
                ]
            },
            notes: Format.connectionErrors(peers))
    }
}

/// `cairn peer add NAME HOST:PORT`.
struct PeerAddCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "add",
        abstract: "Add a peer (kept across restarts) and dial it now.",
        discussion: """
            NAME is a local label (1 to 64 of a-z, 0-9 and -); HOST:PORT is where the peer's \
            cairnd listens (sync.listen), IPv6 hosts in brackets. Adding a name again changes \
            its address. Peers set in cairnd.toml cannot be changed here.

            Examples:
              cairn peer add bravo-hq 10.1.0.7:7401
              cairn peer add relay '[fd00::7]:7401'
            """)

    @OptionGroup var connection: ConnectionOptions

    @Argument(help: "A local name for the peer.")
    var name: String

    @Argument(help: ArgumentHelp("Where the peer listens.", valueName: "host:port"))
    var address: String

    @Flag(name: .long, help: "Print the API's JSON document.")
    var json = false

    func run() throws {
        let peer = try connection.client.addPeer(AddPeerRequest(name: name, address: address))
        if json { return try Output.json(peer) }
        Output.line("added peer \(peer.name) at \(peer.address ?? address); dialling")
    }
}

/// `cairn peer remove NAME`.
struct PeerRemoveCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "remove",
        abstract: "Forget a peer added with `cairn peer add` and close its connection.",
        discussion: """
            Examples:
              cairn peer remove bravo-hq
            """)

    @OptionGroup var connection: ConnectionOptions

    @Argument(help: "The peer's name.")
    var name: String

    func run() throws {
        try connection.client.removePeer(named: name)
        Output.line("removed peer \(name)")
    }
}
