import CairnControl
import Foundation
import Testing

extension IntegrationSuite {
    /// One record id used at two levels (issue 13, item 6): a CONFIDENTIAL site cannot know that
    /// a SECRET site holds an id, so it may create the same id at CONFIDENTIAL. A record is
    /// therefore named by its id *and* its level (Docs/DataModel.md, "One id at several
    /// levels"): every pair of sites that hold a level must end with the same records there,
    /// through declassification, reclassification and retraction.
    @Suite(.timeLimit(.minutes(2)))
    struct RecordLevelsTests {
        static func wait(_ what: String, _ check: () throws -> String?) throws {
            try FederationWait.until(what, timeout: 20, interval: 0.1, check)
        }

        /// The digest of `level` at `member`.
        static func digest(_ member: Federation.Member, _ level: String) throws -> String {
            try #require(try member.client.digest().levels[level]).digest
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

        @Test func oneIDAtTwoLevelsConvergesThroughDeclassification() throws {
            let federation = try Federation(devices: ["alpha/hq", "bravo/hq"])
            defer { federation.shutdown() }
            let alpha = federation.member("alpha/hq"), bravo = federation.member("bravo/hq")
            let id = "lv-\(UUID().uuidString.lowercased().prefix(8))"
            let unused = "lv-\(UUID().uuidString.lowercased().prefix(8))"
            do {
                try federation.waitUntilConnected()
            } catch {
                Issue.record("\(error)\n\(federation.logs())")
                return
            }

            // alpha (SECRET) creates the id at SECRET; bravo (CONFIDENTIAL) cannot know it.
            _ = try alpha.client.putRecord(
                PutRecordRequest(id: id, type: "report", classification: "SECRET", fields: ["source": "alpha", "shared": "s"]))
            try federation.waitForEqualDigests(timeout: 20)
            #expect(Self.code { _ = try bravo.client.getRecord(id: id) } == Self.code { _ = try bravo.client.getRecord(id: unused) })

            // bravo creates the same id at CONFIDENTIAL: exactly as it would create an unused id.
            let (made, created) = try bravo.client.putRecord(
                PutRecordRequest(id: id, type: "report", classification: "CONFIDENTIAL", fields: ["origin": "bravo", "shared": "c"]))
            let (other, otherCreated) = try bravo.client.putRecord(
                PutRecordRequest(id: unused, type: "report", classification: "CONFIDENTIAL", fields: ["origin": "bravo", "shared": "c"]))
            #expect(created && otherCreated)
            #expect(made.fields == other.fields && made.classification == other.classification)

            // Both sites hold CONFIDENTIAL, so they must agree on it now: alpha holds bravo's record.
            try Self.wait("alpha holds bravo's record at CONFIDENTIAL") {
                try Self.digest(alpha, "CONFIDENTIAL") == Self.digest(bravo, "CONFIDENTIAL") ? nil : "CONFIDENTIAL digests differ"
            }
            #expect(try alpha.client.getRecord(id: id, level: "CONFIDENTIAL").fields["origin"] == "bravo")
            #expect(try alpha.client.getRecord(id: id, level: "SECRET").fields["source"] == "alpha")
            // Without a level, alpha answers with the highest and says where else the id is held.
            let highest = try alpha.client.getRecord(id: id)
            #expect(highest.classification == "SECRET")
            #expect(highest.alsoHeldAt == ["CONFIDENTIAL"])
            // An ambiguous write is refused with a code that names the problem.
            #expect(Self.code { _ = try alpha.client.deleteRecord(id: id) } == "record_ambiguous")

            // alpha declassifies its SECRET record to CONFIDENTIAL: it merges into bravo's.
            let moved = try alpha.client.reclassifyRecord(id: id, to: "CONFIDENTIAL", from: "SECRET")
            #expect(moved.classification == "CONFIDENTIAL")
            try Self.wait("both sites converge at CONFIDENTIAL") {
                try Self.digest(alpha, "CONFIDENTIAL") == Self.digest(bravo, "CONFIDENTIAL") ? nil : "CONFIDENTIAL digests differ"
            }
            try federation.waitForEqualDigests(timeout: 20)
            let atBravo = try bravo.client.getRecord(id: id)
            let atAlpha = try alpha.client.getRecord(id: id)
            #expect(atBravo.fields["origin"] == "bravo" && atBravo.fields["source"] == "alpha")
            #expect(atBravo.fields == atAlpha.fields && atBravo.conflicts == atAlpha.conflicts)
            #expect(atAlpha.alsoHeldAt == nil, "the SECRET record moved away")
            #expect(Self.code { _ = try alpha.client.getRecord(id: id, level: "SECRET") } == "record_not_found")

            // A later write at either site reaches the other and both still agree.
            _ = try alpha.client.putRecord(PutRecordRequest(id: id, fields: ["shared": "settled"]))
            try Self.wait("bravo sees alpha's write") {
                try bravo.client.getRecord(id: id).fields["shared"] == "settled" ? nil : "not yet"
            }
            try federation.waitForEqualDigests(timeout: 20)

            // Retracted at CONFIDENTIAL by its origin (alpha's agency, named by the declassification):
            // gone at both, and both still agree.
            _ = try alpha.client.retractRecord(id: id, reason: "entered in error")
            try Self.wait("bravo drops the retracted record") {
                Self.code { _ = try bravo.client.getRecord(id: id) } == "record_retracted" ? nil : "still there"
            }
            try federation.waitForEqualDigests(timeout: 20)
        }
    }
}
