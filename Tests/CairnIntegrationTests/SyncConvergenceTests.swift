import CairnControl
import Foundation
import Testing

extension IntegrationSuite {
    /// Four real daemons (the four devices of `Keys/test`), fully meshed on loopback, writing at
    /// once: every site ends with the same records at every level it is cleared for, concurrent
    /// writes to one field end as one winner and visible conflicts everywhere, and no site ever
    /// holds or shows a level above its clearance.
    @Suite(.timeLimit(.minutes(1)))
    struct SyncConvergenceTests {
        static let devices = ["alpha/hq", "alpha/laptop", "bravo/hq", "charlie/hq"]

        /// Records two sites write concurrently, at a level both hold.
        static let contested: [(id: String, level: String, writers: [String])] = [
            ("contested-r1", "RESTRICTED", ["alpha/hq", "charlie/hq"]),
            ("contested-r2", "RESTRICTED", ["bravo/hq", "charlie/hq"]),
            ("contested-u1", "UNCLASSIFIED", ["alpha/laptop", "charlie/hq"]),
            ("contested-c1", "CONFIDENTIAL", ["alpha/laptop", "bravo/hq"]),
            ("contested-s1", "SECRET", ["alpha/hq", "alpha/laptop"]),
        ]

        @Test func fourSitesWritingConcurrentlyConvergeAtEveryLevel() throws {
            // Not meshed at first: the first writes to the contested records cannot see each other.
            let federation = try Federation(devices: Self.devices, options: .init(meshed: false))
            defer { federation.shutdown() }
            let written = WrittenRecords()

            try Self.concurrently(Self.devices) { device in
                let client = federation.client(device)
                for record in Self.contested where record.writers.contains(device) {
                    try Self.put(client, record.id, record.level, ["owner": .string(device)], into: written)
                }
            }
            try federation.connectMesh()
            try federation.waitUntilConnected()

            // Everyone writes at once while connected: own records at every level it holds (some
            // updated, some deleted), and more concurrent writes to the contested records.
            try Self.concurrently(Self.devices) { device in
                let member = federation.member(device)
                let client = member.client
                let levels = Federation.levels.filter { Federation.isCleared(member.clearance, for: $0) }
                for n in 0..<20 {
                    let id = LogCanary.word("\(member.peerName)-\(n)")
                    let level = levels[n % levels.count]
                    try Self.put(client, id, level, ["n": .int(Int64(n)), "site": .string(device)], into: written)
                    if n % 5 == 0 { try Self.put(client, id, level, ["n": .int(Int64(n + 100))], into: written) }
                    if n % 7 == 3 { _ = try client.deleteRecord(id: id) }
                    if n % 4 == 0 {
                        for record in Self.contested where record.writers.contains(device) {
                            try Self.put(
                                client, record.id, record.level, ["live": .string("\(device) \(n)")], into: written)
                        }
                    }
                }
            }

            do {
                try federation.waitForConvergence(written.byLevel, timeout: 40)
            } catch {
                Issue.record("\(error)\n\(federation.logs())")
                return
            }

            // The first writes to each contested field were concurrent: one winner, the other kept
            // as a conflict, the same everywhere (convergence compared the documents byte for byte).
            for record in Self.contested {
                let listed = try federation.client(record.writers[0]).getRecord(id: record.id)
                let owners = Set(
                    [listed.fields["owner"]].compactMap { $0 } + (listed.conflicts["owner"] ?? []).map(\.value))
                #expect(owners == Set(record.writers.map { JSONValue.string($0) }), "\(record.id): \(listed)")
            }

            // Nothing above a site's clearance: the API refuses to list it and status leaves it out.
            for member in federation.members {
                let status = try member.client.status()
                let cleared = Federation.levels.filter { Federation.isCleared(member.clearance, for: $0) }
                #expect(status.levels.map(\.name) == cleared, "\(member.device) status levels")
                for level in Federation.levels where !cleared.contains(level) {
                    #expect(
                        Self.refusal { _ = try member.client.listRecords(class: level) } == "above_clearance",
                        "\(member.device) listing \(level)")
                }
            }
        }

        // MARK: Helpers

        /// Every record id written, by level.
        final class WrittenRecords: @unchecked Sendable {
            private let lock = NSLock()
            private var ids: [String: Set<String>] = [:]
            func add(_ id: String, _ level: String) {
                lock.withLock { _ = ids[level, default: []].insert(id) }
            }
            var byLevel: [String: Set<String>] { lock.withLock { ids } }
        }

        static func put(
            _ client: ControlClient, _ id: String, _ level: String, _ fields: [String: JSONValue],
            into written: WrittenRecords
        ) throws {
            // The run's canary in the type, a field and a tag: every log is scanned for it.
            let marked = fields.merging([LogCanary.field("by"): .string("\(LogCanary.token) \(level)")]) { own, _ in own }
            _ = try client.putRecord(
                PutRecordRequest(id: id, type: LogCanary.word("note"), classification: level, fields: marked, tags: [LogCanary.word("tag")]))
            written.add(id, level)
        }

        /// Runs `body` for every device on its own thread; rethrows the first failure.
        static func concurrently(_ devices: [String], _ body: @escaping @Sendable (String) throws -> Void) throws {
            let failures = Failures()
            let group = DispatchGroup()
            for device in devices {
                DispatchQueue.global().async(group: group) {
                    do { try body(device) } catch { failures.add("\(device): \(error)") }
                }
            }
            group.wait()
            if let first = failures.all.first { throw TestFailure(first) }
        }

        /// The error code of a refused control call, or nil when it succeeded.
        static func refusal(_ call: () throws -> Void) -> String? {
            do {
                try call()
                return nil
            } catch ControlClientError.refused(_, let code, _) {
                return code
            } catch {
                return "\(error)"
            }
        }
    }
}
