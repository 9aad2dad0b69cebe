import CairnControl
import Foundation

extension Federation {
    /// The first disagreement between two running members on the state digest of a level both
    /// hold (`GET /v1/digest`), or nil when every pair agrees on every common level.
    func digestDisagreement() throws -> String? {
        let running = members.filter { $0.daemon != nil }
        let digests = try running.map { ($0.device, try $0.client.digest()) }
        for (i, (first, a)) in digests.enumerated() {
            for (second, b) in digests[(i + 1)...] {
                for level in Set(a.levels.keys).intersection(b.levels.keys).sorted() {
                    let (x, y) = (a.levels[level]!, b.levels[level]!)
                    if x.digest != y.digest {
                        return "\(level): \(first) \(x.records) records \(x.digest.prefix(12)), "
                            + "\(second) \(y.records) records \(y.digest.prefix(12))"
                    }
                }
            }
        }
        return nil
    }

    /// Waits until every pair of running members agrees on every common level's digest; returns
    /// how long that took.
    @discardableResult
    func waitForEqualDigests(timeout: TimeInterval) throws -> TimeInterval {
        let start = Date()
        try FederationWait.until("equal digests at every common level", timeout: timeout, interval: 0.25) {
            try digestDisagreement()
        }
        return Date().timeIntervalSince(start)
    }

    /// What is wrong with the records of every running member against the ledger: each must
    /// hold every acknowledged write at every level it is cleared for, from any site.
    func ledgerProblems(_ ledger: TortureLedger, writers: Set<String>? = nil) throws -> [String] {
        let sites = writers ?? Set(members.map(\.device))
        var problems: [String] = []
        for member in members where member.daemon != nil {
            for level in Federation.levels where Federation.isCleared(member.clearance, for: level) {
                let records = try member.client.listRecords(class: level, deleted: .include)
                problems += ledger.problems(in: records, level: level, sites: sites).map { "\(member.device): \($0)" }
            }
        }
        return problems
    }
}
