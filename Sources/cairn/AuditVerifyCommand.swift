import ArgumentParser
import CairnControl

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

            Examples:
              cairn audit verify
              cairn audit verify --json
            """)

    @OptionGroup var connection: ConnectionOptions

    @Flag(name: .long, help: "Print the API's JSON result (pretty, sorted keys).")
    var json = false

    func run() throws {
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
}
