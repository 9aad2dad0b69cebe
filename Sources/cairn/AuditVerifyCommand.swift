import ArgumentParser
import CairnControl
import Foundation

/// `cairn audit verify`: checks the chain, its anchor and its breaks; exits 1 on any problem.
struct AuditVerifyCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "verify",
        abstract: "Check the audit log; exit 1 if an entry was edited, removed or reordered, or its tail was cut.",
        discussion: """
            The daemon recomputes every entry's hash from its content and the entry before it, \
            and reports the first entry that does not match. It also compares the log with its \
            anchor, the head signed by the device after every write and kept outside the store, \
            and peers keep a signed copy of the head too: a log whose newest entries were cut off \
            ends before a head one of them holds. Such a cut is recorded as a chain break \
            (an `audit.chain_break` entry) and the log goes on from the entry found last. Every \
            break fails this command until an administrator has read it and acknowledged it \
            with `cairn audit acknowledge --break SEQ`.

            With FILE, an export made by `cairn audit export` is checked offline, without a \
            daemon: every entry's hash and link, the skips at chain breaks, the head against the \
            last entry and its signature by the device key the export names, and each break's \
            acknowledgement signature. The key is only the one the file names: compare it with \
            the device's certificate (`cairn device list` shows the signing key's prefix).

            Examples:
              cairn audit verify
              cairn audit verify --json
              cairn audit verify /media/usb/audit-2026-12-07.json
            """)

    @Argument(help: ArgumentHelp("An export to check offline instead of the daemon's log.", valueName: "file"))
    var file: String?

    @OptionGroup var connection: ConnectionOptions

    @Flag(name: .long, help: "Print the API's JSON result (pretty, sorted keys).")
    var json = false

    func run() throws {
        if let file { return try verifyExport(file) }
        let verdict = try connection.client.verifyAudit()
        if json {
            try Output.json(verdict)
        } else {
            if let problem = verdict.problem {
                Output.line("audit log BROKEN: \(problem)")
                Output.line("\(verdict.entries) entries verified before it; last good head \(verdict.head)")
            } else if verdict.ok {
                Output.line("audit log intact: \(verdict.entries) entries, head \(verdict.head)")
            } else {
                Output.line("audit log NOT intact: the chain of \(verdict.entries) entries verifies (head \(verdict.head)), but see below")
            }
            if let anchor = verdict.anchor {
                Output.line("anchor: \(anchor.state)" + (anchor.seq.map { " (entry \($0), signed \(anchor.signedAt ?? "-"))" } ?? ""))
            }
            if !verdict.breaks.isEmpty {
                Output.line()
                Output.table(
                    ["BREAK", "AT", "SOURCE", "EXPECTED", "FOUND", "ACKNOWLEDGED"],
                    verdict.breaks.map { found in
                        [
                            "\(found.seq)", found.at, found.source, found.expectedSeq.map { "\($0)" } ?? "unknown", "\(found.foundSeq)",
                            found.acknowledged ? "by \(found.acknowledgedBy ?? "?") in entry \(found.acknowledgement ?? 0)" : "NO",
                        ]
                    })
            }
            let others = verdict.problems.filter { $0 != verdict.problem }
            if !others.isEmpty { Output.line() }
            for problem in others { Output.line("problem: \(problem)") }
        }
        if !verdict.ok { throw ExitCode(1) }
    }

    /// `cairn audit verify FILE`: the export checked offline (`AuditExportCheck`).
    private func verifyExport(_ path: String) throws {
        guard let data = FileManager.default.contents(atPath: path) else { throw CLIError.failure("cannot read \(path)") }
        let export: AuditExportDocument
        do {
            export = try ControlJSON.decoder().decode(AuditExportDocument.self, from: data)
        } catch {
            throw CLIError.failure("\(path) is not an audit export (cairn audit export): \(error)")
        }
        let check = AuditExportCheck.check(export)
        if json {
            struct Report: Encodable {
                var ok: Bool
                var device: String
                var signingKey: String
                var entries: Int
                var headSeq: Int64
                var head: String
                var problem: String?
                var unacknowledgedBreaks: [Int64]
            }
            try Output.json(
                Report(
                    ok: check.ok, device: export.device.ref, signingKey: export.device.signingKey, entries: check.entries,
                    headSeq: check.headSeq, head: Ceremony.hex(check.head), problem: check.problem,
                    unacknowledgedBreaks: check.breaks.filter { $0.acknowledgedIn == nil }.map(\.seq)))
        } else {
            if let problem = check.problem {
                Output.line("export BROKEN: \(problem)")
                Output.line("\(check.entries) entries verified before it")
            } else {
                Output.line(
                    "export intact: \(check.entries) entries, head \(check.headSeq) signed by \(export.device.ref) (key \(export.device.signingKey.prefix(16))…)")
            }
            for found in check.breaks {
                let state = found.acknowledgedIn.map { "acknowledged in entry \($0)" } ?? "NOT acknowledged"
                Output.line("chain break at entry \(found.seq) (\(found.source)): \(found.reason); \(state)")
            }
        }
        if !check.ok { throw ExitCode(1) }
    }
}
