import CairnControl
import Foundation
import Testing

extension IntegrationSuite {
    /// A write the API acknowledged survives `kill -9` of the daemon at any moment.
    @Suite(.serialized)
    struct DurabilityTests {
        /// Acknowledged writes, shared by the writer threads.
        final class Acknowledged: @unchecked Sendable {
            private let lock = NSLock()
            private var values: [String: Int64] = [:]
            func add(_ id: String, _ value: Int64) { lock.withLock { values[id] = value } }
            var all: [String: Int64] { lock.withLock { values } }
        }

        @Test func acknowledgedWritesSurviveKillNine() throws {
            let site = try SiteDirectory()
            defer { site.remove() }
            let acknowledged = Acknowledged()
            var generator = SystemRandomNumberGenerator()
            for round in 0..<5 {
                let daemon = try DaemonProcess(site: site)
                // Everything acknowledged in earlier rounds is still there, with its value.
                for (id, value) in acknowledged.all {
                    let record = try daemon.client.getRecord(id: id)
                    #expect(record.fields["n"] == .int(value), "record \(id) lost its value after kill -9")
                }
                let stop = Date().addingTimeInterval(Double.random(in: 0.3...0.9, using: &generator))
                let group = DispatchGroup()
                for writer in 0..<4 {
                    DispatchQueue.global().async(group: group) {
                        let client = daemon.client
                        var n: Int64 = 0
                        while Date() < stop {
                            n += 1
                            let id = "r\(round)-w\(writer)-\(n)"
                            let request = PutRecordRequest(
                                id: id, type: "incident", classification: "SECRET", fields: ["n": .int(n)], tags: ["t\(writer)"])
                            if (try? client.putRecord(request)) != nil { acknowledged.add(id, n) }
                        }
                    }
                }
                // Kill while the writers are still writing.
                Thread.sleep(until: stop.addingTimeInterval(-0.1))
                try daemon.stop(signal: SIGKILL)
                group.wait()
            }
            let daemon = try DaemonProcess(site: site)
            let all = acknowledged.all
            #expect(all.count > 20, "too few writes were acknowledged to test anything")
            let listed = try daemon.client.listRecords()
            let byID = Dictionary(uniqueKeysWithValues: listed.map { ($0.id, $0) })
            for (id, value) in all {
                #expect(byID[id]?.fields["n"] == .int(value), "acknowledged record \(id) missing after kill -9")
            }
            #expect(try daemon.client.statusAfterStoreCheck().store.problems.isEmpty)
            try daemon.stop()
            let check = try ProcessRunner.run("/usr/bin/sqlite3", [site.state + "/cairn.sqlite", "PRAGMA integrity_check;"])
            #expect(check.stdout.trimmingCharacters(in: .whitespacesAndNewlines) == "ok")
        }
    }
}
