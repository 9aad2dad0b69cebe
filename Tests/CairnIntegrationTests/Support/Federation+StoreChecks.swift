import CairnControl
import Foundation

extension Federation {
    /// What `sqlite3 STORE 'PRAGMA integrity_check'` prints for a member's store ("ok" when
    /// intact). Read-only, so a store left by `kill -9` is checked as the crash left it (the
    /// daemon's own recovery of the WAL comes when it restarts).
    func integrityCheck(_ device: String) throws -> String {
        let store = member(device).site.state + "/cairn.sqlite"
        let result = try ProcessRunner.run("/usr/bin/sqlite3", ["-readonly", store, "PRAGMA integrity_check;"], timeout: 60)
        let output = (result.stdout + result.stderr).trimmingCharacters(in: .whitespacesAndNewlines)
        return result.status == 0 ? output : "sqlite3 exited with \(result.status): \(output)"
    }

    /// What is wrong with the running members' audit logs: `cairn audit verify` (the CLI, which
    /// asks the daemon to check the whole chain) must pass, the chain must not have been
    /// refused deltas (a delta refused after TLS would mean corruption got through), and
    /// `status` must report no store problems.
    func auditProblems() throws -> [String] {
        var problems: [String] = []
        for member in members where member.daemon != nil {
            let verify = try ProcessRunner.run(Binaries.cairn, ["audit", "verify", "--socket", member.site.socket])
            if verify.status != 0 || !verify.stdout.contains("audit log intact") {
                problems.append("\(member.device): cairn audit verify exited \(verify.status): \(verify.stdout) \(verify.stderr)")
            }
            let document = try member.client.verifyAudit()
            if !document.ok { problems.append("\(member.device): audit chain broken at \(document.brokenAt ?? -1): \(document.problem ?? "")") }
            let refused = try allAuditEntries(member.client).filter { $0.kind == "sync.delta_refused" || $0.kind == "store.delta_quarantined" }
            if let first = refused.first {
                problems.append("\(member.device): \(refused.count) \(first.kind) entries, first \(first.detail)")
            }
            let status = try member.client.statusAfterStoreCheck()
            if !status.store.problems.isEmpty || status.store.quarantinedDeltas != 0 {
                problems.append("\(member.device): store problems \(status.store.problems), quarantined \(status.store.quarantinedDeltas)")
            }
        }
        return problems
    }

    /// Every audit entry of a member, page by page.
    func allAuditEntries(_ client: ControlClient) throws -> [AuditEntryDocument] {
        var entries: [AuditEntryDocument] = []
        while true {
            let page = try client.auditEntries(after: entries.last?.seq ?? 0, limit: 1000)
            entries += page
            if page.count < 1000 { return entries }
        }
    }

    /// The sum of a counter over all its label sets in a member's `GET /metrics`, filtered by
    /// a label text such as `reason="record_layer"` when given.
    func counter(_ device: String, _ name: String, containing label: String? = nil) throws -> Double {
        let text = try client(device).metrics()
        var total = 0.0
        for line in text.split(separator: "\n") where line.hasPrefix(name + "{") || line.hasPrefix(name + " ") {
            if let label, !line.contains(label) { continue }
            if let value = line.split(separator: " ").last.flatMap({ Double($0) }) { total += value }
        }
        return total
    }
}
