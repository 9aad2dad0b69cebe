import ArgumentParser
import CairnControl

/// `cairn audit acknowledge --break SEQ`: an administrator's acknowledgement of a chain break.
struct AuditAcknowledgeCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "acknowledge",
        abstract: "Acknowledge a chain break of the audit log, after investigating it.",
        discussion: """
            A chain break (`cairn audit verify` lists them) means the log lost entries: its tail \
            was cut off or replaced, outside the daemon. The break entry stays in the log for \
            good; acknowledging it appends an `audit.break_acknowledged` entry naming you (your \
            uid) and the break, signed by the device, after which the break no longer fails \
            `cairn audit verify`, `cairn status` or the `cairn_audit_chain_breaks` metric. \
            Acknowledge only once you know what happened (Docs/Operations.md, "When the audit \
            log breaks"). Needs the write right.

            Examples:
              cairn audit acknowledge --break 4181
            """)

    @OptionGroup var connection: ConnectionOptions

    @Option(name: .customLong("break"), help: ArgumentHelp("The chain break entry's sequence number.", valueName: "seq"))
    var seq: Int64

    @Flag(name: .long, help: "Print the API's JSON result (pretty, sorted keys).")
    var json = false

    func validate() throws {
        guard seq >= 1 else { throw ValidationError("--break takes the sequence number of a chain break entry (at least 1)") }
    }

    func run() throws {
        let acknowledged = try connection.client.acknowledgeAuditBreak(seq)
        if json { return try Output.json(acknowledged) }
        Output.line(
            "chain break at entry \(acknowledged.seq) acknowledged by \(acknowledged.acknowledgedBy ?? "?") "
                + "in entry \(acknowledged.acknowledgement ?? 0)")
    }
}
