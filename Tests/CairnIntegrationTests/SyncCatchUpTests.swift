import CairnControl
import Foundation
import Testing

extension IntegrationSuite {
    /// A site that was down while others wrote catches up by itself once it is back: it dials its
    /// peers, and the rounds send it exactly what it missed.
    @Suite(.timeLimit(.minutes(1)))
    struct SyncCatchUpTests {
        @Test func aRestartedSiteCatchesUpWithWhatItMissed() throws {
            let federation = try Federation(devices: ["alpha/hq", "alpha/laptop", "bravo/hq"])
            defer { federation.shutdown() }
            var expected: [String: Set<String>] = [:]
            func put(_ device: String, _ id: String, _ level: String, _ fields: [String: JSONValue]) throws {
                // The run's canary in the type, a field and a tag: every log is scanned for it.
                let marked = fields.merging([LogCanary.field("note"): .string("\(LogCanary.token) \(id)")]) { own, _ in own }
                _ = try federation.client(device).putRecord(
                    PutRecordRequest(id: id, type: LogCanary.word("note"), classification: level, fields: marked, tags: [LogCanary.word("tag")]))
                expected[level, default: []].insert(id)
            }

            try put("alpha/hq", "before-s", "SECRET", ["n": 1])
            try put("bravo/hq", "before-c", "CONFIDENTIAL", ["n": 1])
            try put("alpha/laptop", "before-r", "RESTRICTED", ["n": 1])
            try federation.waitForConvergence(expected)

            #expect(try federation.stop("alpha/laptop", signal: SIGTERM) == 0, "cairnd should exit 0 on SIGTERM")
            for n in 0..<12 {
                try put("alpha/hq", "missed-a-\(n)", Federation.levels[n % 4], ["n": .int(Int64(n))])
                try put("bravo/hq", "missed-b-\(n)", Federation.levels[n % 3], ["n": .int(Int64(n))])
            }
            try put("alpha/hq", "before-s", "SECRET", ["n": 2])
            try put("bravo/hq", "before-r", "RESTRICTED", ["edited-by": "bravo"])
            _ = try federation.client("bravo/hq").deleteRecord(id: "before-c")

            try federation.start("alpha/laptop")
            do {
                try federation.waitForConvergence(expected, timeout: 30)
            } catch {
                Issue.record("\(error)\n\(federation.logs())")
                return
            }
            let laptop = federation.client("alpha/laptop")
            #expect(try laptop.getRecord(id: "before-s").fields["n"] == 2)
            #expect(try laptop.getRecord(id: "before-c").isDeleted)
            #expect(try laptop.getRecord(id: "before-r").fields["edited-by"] == .string("bravo"))
            #expect(
                !(try laptop.auditEntries()).contains { $0.kind == "sync.delta_refused" || $0.kind == "sync.peer_refused" })
        }
    }
}
