import CairnControl
import CairnCrypto
import CairnModel
import CairnProtocol
import CairnTestSupport
import Foundation
import Testing

extension IntegrationSuite {
    /// Reclassification and retraction across real daemons: alpha/hq (SECRET), bravo/hq
    /// (CONFIDENTIAL) and charlie/hq (RESTRICTED). A site that is no longer cleared for a record's
    /// level must drop it, down to the ciphertext of its old deltas in every file of its state
    /// directory (database, WAL and shared memory).
    @Suite(.timeLimit(.minutes(1)))
    struct ReclassifyTests {
        /// A record's latest delta at `member`, with its encrypted body taken from the store.
        static func latestBody(_ member: Federation.Member, _ id: String) throws -> (id: String, body: [UInt8]) {
            let delta = try #require(try member.client.history(id: id).last).delta
            let query = try ProcessRunner.run(
                "/usr/bin/sqlite3", ["-readonly", member.site.state + "/cairn.sqlite", "SELECT hex(envelope) FROM delta WHERE id = X'\(delta)';"])
            let envelope = try Hex.decode(query.stdout.trimmingCharacters(in: .whitespacesAndNewlines).lowercased())
            let sealed = try SealedDelta.parse(envelope)
            try #require(!sealed.isRedacted && sealed.body.count > 64)
            return (delta, sealed.body)
        }

        /// Files of `member`'s state directory that hold any of `bodies` (a 48-byte slice of each,
        /// from inside the ciphertext, so a body split across pages is still found).
        static func holders(_ member: Federation.Member, _ bodies: [[UInt8]]) throws -> [String] {
            var found: [String] = []
            for (name, data) in try member.site.stateFiles() {
                for body in bodies where data.range(of: Data(body[24..<72])) != nil { found.append(name) }
            }
            return found
        }

        static func code(_ body: () throws -> Void) -> String? {
            do {
                try body()
                return nil
            } catch ControlClientError.refused(_, let code, _) {
                return code
            } catch {
                return "\(error)"
            }
        }

        static func wait(_ what: String, _ check: () throws -> String?) throws {
            try FederationWait.until(what, timeout: 15, interval: 0.1, check)
        }

        @Test func aRecordMovesUpAndDownAndIsRetractedEverywhere() throws {
            let federation = try Federation(devices: ["alpha/hq", "bravo/hq", "charlie/hq"])
            defer { federation.shutdown() }
            let alpha = federation.member("alpha/hq"), bravo = federation.member("bravo/hq")
            let charlie = federation.member("charlie/hq")
            let id = LogCanary.word("rc-\(UUID().uuidString.lowercased().prefix(8))")
            do {
                try federation.waitUntilConnected()
            } catch {
                Issue.record("\(error)\n\(federation.logs())")
                return
            }

            // Written at CONFIDENTIAL: bravo holds it, and its ciphertext is in bravo's files.
            _ = try alpha.client.putRecord(
                PutRecordRequest(
                    id: id, type: LogCanary.word("report"), classification: "CONFIDENTIAL",
                    fields: ["text": "first", LogCanary.field("note"): .string("\(LogCanary.token) note")], tags: [LogCanary.word("tag")]))
            try Self.wait("bravo holds the record") { try bravo.client.getRecord(id: id).fields["text"] == "first" ? nil : "no" }
            let first = try Self.latestBody(alpha, id)
            #expect(try Self.holders(bravo, [first.body]).count > 0, "the scan finds what a site holds")

            // Up to SECRET: bravo drops it, down to the bytes.
            #expect(try alpha.client.reclassifyRecord(id: id, to: "SECRET").classification == "SECRET")
            try Self.wait("bravo drops the record") {
                Self.code { _ = try bravo.client.getRecord(id: id) } == "record_not_found" ? nil : "still readable"
            }
            #expect(try bravo.client.listRecords(deleted: .include).allSatisfy { $0.id != id })
            try Self.wait("bravo's files lose the old ciphertext") {
                let files = try Self.holders(bravo, [first.body])
                return files.isEmpty ? nil : "held in \(files)"
            }
            #expect(try Self.holders(alpha, [first.body]).isEmpty, "alpha redacted its own old delta")

            // Back down to CONFIDENTIAL (bravo gets it again), then to RESTRICTED (charlie too).
            _ = try alpha.client.reclassifyRecord(id: id, to: "CONFIDENTIAL")
            try Self.wait("bravo holds the record again") {
                try bravo.client.getRecord(id: id).fields["text"] == "first" ? nil : "no"
            }
            let second = try Self.latestBody(alpha, id)
            _ = try alpha.client.reclassifyRecord(id: id, to: "RESTRICTED")
            try Self.wait("charlie holds the record") {
                try charlie.client.getRecord(id: id).classification == "RESTRICTED" ? nil : "not yet"
            }
            try Self.wait("bravo holds it at RESTRICTED") {
                try bravo.client.getRecord(id: id).classification == "RESTRICTED" ? nil : "not yet"
            }
            let third = try Self.latestBody(alpha, id)
            #expect(try Self.holders(charlie, [third.body]).count > 0)

            // Retracted: gone from every site, with every body it ever had.
            let retracted = try alpha.client.retractRecord(id: id, reason: "\(LogCanary.token) entered in error")
            #expect(retracted.classification == "RESTRICTED")
            for member in [alpha, bravo, charlie] {
                try Self.wait("\(member.device) drops the retracted record") {
                    Self.code { _ = try member.client.getRecord(id: id) } == "record_retracted" ? nil : "still there"
                }
                try Self.wait("\(member.device)'s files lose every body") {
                    let files = try Self.holders(member, [first.body, second.body, third.body])
                    return files.isEmpty ? nil : "held in \(files)"
                }
                #expect(try member.client.listRecords(deleted: .include).allSatisfy { $0.id != id })
            }
            #expect(Self.code { _ = try charlie.client.history(id: id) } == "record_retracted")
        }

        @Test func anotherAgencyCannotLowerALevelThroughTheAPI() throws {
            let federation = try Federation(devices: ["alpha/hq", "bravo/hq"])
            defer { federation.shutdown() }
            let alpha = federation.member("alpha/hq"), bravo = federation.member("bravo/hq")
            let id = LogCanary.word("dg-1")
            _ = try alpha.client.putRecord(
                PutRecordRequest(id: id, type: LogCanary.word("report"), classification: "CONFIDENTIAL", fields: ["n": 1], tags: [LogCanary.word("tag")]))
            do {
                try Self.wait("bravo holds the record") { try bravo.client.getRecord(id: id).fields["n"] == 1 ? nil : "no" }
            } catch {
                Issue.record("\(error)\n\(federation.logs())")
                return
            }
            #expect(Self.code { _ = try bravo.client.reclassifyRecord(id: id, to: "RESTRICTED") } == "downgrade_not_allowed")
            #expect(Self.code { _ = try bravo.client.reclassifyRecord(id: id, to: "SECRET") } == "above_clearance")
            #expect(Self.code { _ = try bravo.client.reclassifyRecord(id: id, to: LogCanary.token.uppercased()) } == "unknown_level")
            #expect(Self.code { _ = try bravo.client.reclassifyRecord(id: LogCanary.word("nope"), to: "RESTRICTED") } == "record_not_found")
            #expect(Self.code { _ = try alpha.client.putRecord(PutRecordRequest(id: id, classification: "SECRET")) } == "classification_mismatch")
            #expect(Self.code { _ = try bravo.client.putRecord(PutRecordRequest(id: id, classification: "SECRET")) } == "above_clearance")
        }
    }
}
