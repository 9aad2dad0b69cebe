import CairnControl
import Foundation
import Testing

@testable import CairnDaemon

/// What is on disk: nothing readable without the keys, and damage that is contained.
@Suite struct StoreAtRestTests {
    @Test func aCorruptDeltaIsQuarantinedAndRecordsAreStillServed() throws {
        try withTemporaryDirectory { directory in
            let config = try SiteFixture.config(in: directory)
            let (before, damaged) = try SiteFixture.withSite(config) { site in
                _ = try site.records.put(PutRecordRequest(id: "a", type: "memo", classification: "SECRET", fields: ["n": 1]))
                _ = try site.records.put(PutRecordRequest(id: "b", type: "memo", classification: "UNCLASSIFIED"))
                _ = try site.records.put(PutRecordRequest(id: "c", type: "memo", classification: "SECRET", fields: ["last": true]))
                let last = try #require(try site.records.historyEntries(id: "c").last)
                return (try site.records.listDocuments(level: nil, type: nil, tag: nil, deleted: .include), last.delta)
            }
            let database = config.stateDirectory + "/cairn.sqlite"
            try sqlite(database, "UPDATE delta SET envelope = substr(envelope, 1, 10) WHERE rowid = (SELECT max(rowid) FROM delta)")

            try SiteFixture.withSite(config) { site in
                let status = try site.status.statusDocument()
                #expect(status.store.quarantinedDeltas == 1)
                #expect(
                    status.store.problems.contains { $0.contains(String(damaged.prefix(16))) && $0.contains("quarantined") },
                    "\(status.store.problems)")
                #expect(status.deltas == 2 + 3 - 1)  // two keys minted by the writes
                #expect(status.records == 3)
                // Every record is still served from its sealed state, the damaged one's included.
                #expect(try site.records.listDocuments(level: nil, type: nil, tag: nil, deleted: .include) == before)
                #expect(try site.records.document(id: "c").fields == ["last": true])
                #expect(try site.records.historyEntries(id: "a").count == 1)
                #expect(try site.records.historyEntries(id: "c").isEmpty)  // its only delta is in quarantine
                // Writing goes on after the hole.
                let (updated, _) = try site.records.put(PutRecordRequest(id: "a", fields: ["n": 2]))
                #expect(updated.fields == ["n": 2])
                #expect(try site.records.historyEntries(id: "a").map(\.sequence) == [2, 4])
            }
            #expect(try sqlite(database, "SELECT count(*) FROM quarantine") == "1")
            #expect(try sqlite(database, "SELECT count(*) FROM delta") == "5")

            // A later start does not quarantine again but still reports what was found.
            try SiteFixture.withSite(config) { site in
                let status = try site.status.statusDocument()
                #expect(status.store.quarantinedDeltas == 1)
                #expect(status.store.problems.contains { $0.contains("quarantined") })
                #expect(try site.records.document(id: "a").fields == ["n": 2])
                #expect(status.store.problems.contains { $0.contains("jumps from 2 to 4") }, "\(status.store.problems)")
            }
        }
    }

    @Test func noPlaintextReachesTheDisk() throws {
        let canaries = [
            "canaryidq7x3k", "canarytypez9w2", "canaryfieldm4p8", "canary-value-j8w5", "canary-nested-r2d6",
            "canary-tag-h6v1", "canary-removed-b3n7", "canary-listed-f5c9",
        ]
        try withTemporaryDirectory { directory in
            let config = try SiteFixture.config(in: directory)
            try SiteFixture.withSite(config) { site in
                _ = try site.records.put(
                    PutRecordRequest(
                        id: "canaryidq7x3k", type: "canarytypez9w2", classification: "SECRET",
                        fields: [
                            "canaryfieldm4p8": "canary-value-j8w5", "deep": ["inner": ["canary-nested-r2d6"]],
                            "old": "canary-removed-b3n7",
                        ],
                        tags: ["canary-tag-h6v1", "canary-listed-f5c9"]))
                _ = try site.records.put(PutRecordRequest(id: "canaryidq7x3k", fields: ["old": nil], removeTags: ["canary-listed-f5c9"]))
                _ = try site.records.put(PutRecordRequest(type: "canarytypez9w2", classification: "UNCLASSIFIED", fields: ["x": "canary-value-j8w5"]))
                // While the site runs (the write-ahead log holds the latest pages)...
                try Self.assertNothingReadable(in: config.stateDirectory, canaries: canaries)
            }
            // ...and once it is closed and checkpointed into the main file.
            try Self.assertNothingReadable(in: config.stateDirectory, canaries: canaries)
        }
    }

    /// Fails if any canary's UTF-8 bytes occur in any file under `directory`. The level names,
    /// which are stored in clear by design, are the control that the files were really read.
    static func assertNothingReadable(in directory: String, canaries: [String], sourceLocation: SourceLocation = #_sourceLocation)
        throws
    {
        let files = try FileManager.default.subpathsOfDirectory(atPath: directory)
        var scanned = Data()
        for file in files {
            var isDirectory: ObjCBool = false
            guard FileManager.default.fileExists(atPath: directory + "/" + file, isDirectory: &isDirectory), !isDirectory.boolValue
            else { continue }
            let bytes = try Data(contentsOf: URL(fileURLWithPath: directory + "/" + file))
            for canary in canaries where bytes.range(of: Data(canary.utf8)) != nil {
                Issue.record("\(canary) is readable in \(file)", sourceLocation: sourceLocation)
            }
            scanned.append(bytes)
        }
        #expect(files.contains("cairn.sqlite"), sourceLocation: sourceLocation)
        #expect(scanned.range(of: Data("UNCLASSIFIED".utf8)) != nil, "control string not found", sourceLocation: sourceLocation)
    }
}

/// Runs one SQL statement with the sqlite3 command-line shell and returns its output.
@discardableResult
func sqlite(_ database: String, _ sql: String) throws -> String {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: "/usr/bin/sqlite3")
    process.arguments = [database, sql]
    let output = Pipe()
    process.standardOutput = output
    process.standardError = output
    try process.run()
    let data = output.fileHandleForReading.readDataToEndOfFile()
    process.waitUntilExit()
    let text = String(decoding: data, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
    guard process.terminationStatus == 0 else { throw FixtureError("sqlite3 failed: \(text)") }
    return text
}
