import CairnControl
import Foundation
import Testing

extension IntegrationSuite {
    /// `cairn watch --json` against a real daemon: every committed change arrives, in order.
    @Suite(.serialized)
    struct WatchTests {
        /// The watcher's output lines so far, waiting up to `timeout` for `count` of them.
        private func lines(in path: String, count: Int, timeout: TimeInterval) -> [String] {
            let deadline = Date().addingTimeInterval(timeout)
            var lines: [String] = []
            while Date() < deadline {
                let text = (try? String(contentsOfFile: path, encoding: .utf8)) ?? ""
                lines = text.split(separator: "\n").map(String.init)
                if lines.count >= count { break }
                usleep(20_000)
            }
            return lines
        }

        @Test func watcherSeesEveryCommittedChangeInOrder() throws {
            let site = try SiteDirectory()
            defer { site.remove() }
            let daemon = try DaemonProcess(site: site)
            let output = site.path + "/watch.out"
            _ = FileManager.default.createFile(atPath: output, contents: nil)
            let watcher = Process()
            watcher.executableURL = URL(fileURLWithPath: Binaries.cairn)
            watcher.arguments = ["watch", "--json", "--socket", site.socket]
            watcher.standardOutput = try FileHandle(forWritingTo: URL(fileURLWithPath: output))
            watcher.standardError = FileHandle.nullDevice
            try watcher.run()
            defer { if watcher.isRunning { kill(watcher.processIdentifier, SIGKILL) } }
            #expect(lines(in: output, count: 1, timeout: 10).first == #"{"event":"watching"}"#)

            _ = try daemon.client.putRecord(PutRecordRequest(id: "w1", type: "note", classification: "SECRET", fields: ["a": .int(1)]))
            _ = try daemon.client.putRecord(PutRecordRequest(id: "w1", fields: ["a": .int(2)]))
            _ = try daemon.client.putRecord(PutRecordRequest(id: "w1", fields: ["a": .int(2)]))  // no change: no event
            _ = try daemon.client.deleteRecord(id: "w1")
            let received = lines(in: output, count: 4, timeout: 10)
            #expect(received.count == 4, "\(received)")
            let events = try received.dropFirst().map { try JSONDecoder().decode(WatchEvent.self, from: Data($0.utf8)) }
            #expect(events.map(\.event) == ["record.created", "record.updated", "record.deleted"])
            #expect(events.map { $0.record?.id } == ["w1", "w1", "w1"])
            #expect(events.count == 3 && events[1].record?.fields["a"] == .int(2))
            #expect(events.allSatisfy { $0.delta?.count == 64 })
            kill(watcher.processIdentifier, SIGTERM)
            // The daemon forgets the watcher and keeps serving.
            #expect(try daemon.client.status().device.ref == "alpha/hq")
            try daemon.stop()
        }
    }
}
