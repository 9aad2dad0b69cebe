import ArgumentParser
import CairnControl

/// `cairn audit verify`: checks the whole chain; exits 1 when it is broken.
struct AuditVerifyCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "verify",
        abstract: "Check the audit log's hash chain; exit 1 if any entry was edited, removed or reordered.",
        discussion: """
            The daemon recomputes every entry's hash from its content and the entry before it. \
            The first entry that does not match is reported with the reason. A chain can only \
            prove that nothing before its head changed: to detect the newest entries being cut \
            off, keep signed heads from `cairn audit export` elsewhere and compare.

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
        } else if verdict.ok {
            Output.line("audit log intact: \(verdict.entries) entries, head \(verdict.head)")
        } else {
            Output.line("audit log BROKEN: \(verdict.problem ?? "at entry \(verdict.brokenAt ?? 0)")")
            Output.line("\(verdict.entries) entries verified before it; last good head \(verdict.head)")
        }
        if !verdict.ok { throw ExitCode(1) }
    }
}
