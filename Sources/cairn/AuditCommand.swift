import ArgumentParser

/// `cairn audit …`: read, check and export the daemon's tamper-evident audit log.
struct AuditCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "audit",
        abstract: "Read, verify, export the site's hash-chained audit log, and acknowledge its breaks.",
        discussion: """
            The daemon records every control-API write with the caller's uid, every refused \
            request, every epoch key it creates, every quarantined delta and every start in an \
            append-only log whose entries are hash-chained: editing, removing or reordering an \
            entry breaks the chain from there on, and `cairn audit verify` names the entry. The \
            head is signed and anchored outside the store, and witnessed by peers, so a log whose \
            newest entries were cut off shows a chain break until it is acknowledged. Reading \
            the log needs the write right on the control socket.

            Examples:
              cairn audit list --after 100
              cairn audit verify
              cairn audit export --out audit-2026-11-25.json
              cairn audit acknowledge --break 4181
            """,
        subcommands: [AuditListCommand.self, AuditVerifyCommand.self, AuditExportCommand.self, AuditAcknowledgeCommand.self])
}
