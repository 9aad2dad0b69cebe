import CairnControl
import CairnProtocol
import CairnTestSupport
import CairnTrust
import Foundation
import Testing

extension IntegrationSuite {
    /// Retroactive revocation across running daemons: a laptop writes (creating records and
    /// editing others'), its writes reach every site, then it is revoked from a time before
    /// those writes. Every site ends without them: not in any history, the record it created
    /// gone, the fields it wrote back to the remaining values, equal digests, nothing of it
    /// served to a new peer, and a bundle exported afterwards imports cleanly at a site that
    /// knows the revocation.
    @Suite(.serialized, .timeLimit(.minutes(3)))
    struct SyncRetroactiveRevocationTests {
        static let common = ["UNCLASSIFIED", "RESTRICTED", "CONFIDENTIAL"]

        /// Waits for the next whole second and returns it (what is written afterwards is stamped
        /// at or after it).
        static func nextSecond() -> Int64 {
            let second = Int64(Date().timeIntervalSince1970) + 1
            while Date().timeIntervalSince1970 < Double(second) { Thread.sleep(forTimeInterval: 0.02) }
            return second
        }

        /// Rows of `sql` run on `member`'s store (the daemon keeps running; WAL readers are fine).
        static func query(_ member: Federation.Member, _ sql: String) throws -> [String] {
            let result = try ProcessRunner.run("/usr/bin/sqlite3", [member.site.state + "/cairn.sqlite", sql])
            guard result.status == 0 else { throw TestFailure("sqlite3: \(result.stderr)") }
            return result.stdout.split(separator: "\n").map(String.init)
        }

        /// How many deltas by `author` (hex) stamped at or after `seconds` the member holds.
        static func heldAfter(_ member: Federation.Member, author: String, seconds: Int64) throws -> Int {
            Int(try query(member, "SELECT count(*) FROM delta WHERE lower(hex(author)) = '\(author)' AND hlc_wall >= \(seconds * 1000);").first ?? "") ?? -1
        }

        /// The member's vector for `author`'s streams: level, sequence, head.
        static func streams(_ member: Federation.Member, author: String) throws -> [String] {
            try query(member, "SELECT level, sequence, lower(hex(head_id)) FROM stream WHERE lower(hex(author)) = '\(author)' ORDER BY level;")
        }

        /// The first level of `levels` on which the two members' digests differ.
        static func digestDifference(_ a: ControlClient, _ b: ControlClient, levels: [String]) throws -> String? {
            let (x, y) = (try a.digest(), try b.digest())
            for level in levels where x.levels[level]?.digest != y.levels[level]?.digest {
                return "\(level): \(x.levels[level]?.records ?? 0) vs \(y.levels[level]?.records ?? 0) records"
            }
            return nil
        }

        static func revokeArguments(_ federation: Federation, at device: String, extra: [String]) throws -> [String] {
            let agencyKey = try TestKeys.privateCopy(of: TestKeys.agencyKeyFile("alpha"))
            return [
                "device", "revoke", "alpha/laptop", "--key", agencyKey, "--charter", TestKeys.path(TestKeys.charterFile),
                "--reason", "laptop lost", "--socket", federation.member(device).site.socket,
            ] + extra
        }

        /// hq, laptop and bravo peered with each other; charlie runs alone (it receives a bundle).
        static func federation() throws -> Federation {
            var options = Federation.Options()
            options.meshed = false
            let federation = try Federation(devices: ["alpha/hq", "alpha/laptop", "bravo/hq", "charlie/hq"], options: options)
            let peered = ["alpha/hq", "alpha/laptop", "bravo/hq"].map(federation.member)
            for member in peered {
                for other in peered where other !== member {
                    _ = try member.client.addPeer(AddPeerRequest(name: other.peerName, address: other.address))
                }
            }
            try FederationWait.until("hq, laptop and bravo connected", timeout: 20) {
                for member in peered {
                    let connected = try member.client.peers().peers.filter(\.connected).map(\.device)
                    for other in peered where other !== member && !connected.contains(other.device) {
                        return "\(member.device) is not connected to \(other.device)"
                    }
                }
                return nil
            }
            return federation
        }

        /// The laptop's writes after T: an edit of hq's records at two levels, a record of its own
        /// at each; waits until hq and bravo hold them.
        static func writeAfterT(_ federation: Federation) throws {
            let laptop = federation.client("alpha/laptop")
            _ = try laptop.putRecord(PutRecordRequest(id: "c-shared", fields: ["v": "thief", "extra": 1], tags: ["stolen"]))
            _ = try laptop.putRecord(PutRecordRequest(id: "r-shared", fields: ["v": "thief"]))
            _ = try laptop.putRecord(PutRecordRequest(id: "c-thief", type: "note", classification: "CONFIDENTIAL", fields: ["v": "x"]))
            _ = try laptop.putRecord(PutRecordRequest(id: "r-thief", type: "note", classification: "RESTRICTED", fields: ["v": "x"]))
            for device in ["alpha/hq", "bravo/hq"] {
                let client = federation.client(device)
                try FederationWait.until("\(device) holds the laptop's writes", timeout: 30) {
                    let thief = (try? client.getRecord(id: "r-thief")) != nil && (try? client.getRecord(id: "c-thief")) != nil
                    let edited = (try? client.getRecord(id: "c-shared"))?.fields["v"] == "thief"
                        && (try? client.getRecord(id: "r-shared"))?.fields["v"] == "thief"
                    return thief && edited ? nil : "not yet"
                }
            }
        }

        /// What every site that knows the revocation must show.
        static func expectWithdrawn(_ federation: Federation, laptopID: String, effective: Int64) throws {
            for device in ["alpha/hq", "bravo/hq"] {
                let client = federation.client(device)
                try FederationWait.until("\(device) withdrew the laptop's writes", timeout: 30) {
                    let gone = (try? client.getRecord(id: "c-thief")) == nil && (try? client.getRecord(id: "r-thief")) == nil
                    let back = (try? client.getRecord(id: "c-shared"))?.fields["v"] == "hq"
                        && (try? client.getRecord(id: "r-shared"))?.fields["v"] == "hq"
                    return gone && back ? nil : "not yet"
                }
                let shared = try client.getRecord(id: "c-shared")
                #expect(shared.fields == ["v": "hq"] && shared.tags == ["a"], "\(device): \(shared.fields) \(shared.tags)")
                for id in ["c-shared", "r-shared"] {
                    #expect(try client.history(id: id).allSatisfy { $0.author.by != "alpha/laptop" }, "\(device) \(id)")
                }
                #expect(refusalCode { try client.getRecord(id: "c-thief") } == "record_not_found")
                #expect(try heldAfter(federation.member(device), author: laptopID, seconds: effective) == 0)
                #expect(try client.auditEntries().contains { $0.kind == "device.deltas_withdrawn" })
            }
            try FederationWait.until("hq and bravo agree", timeout: 30) {
                try digestDifference(federation.client("alpha/hq"), federation.client("bravo/hq"), levels: common)
            }
            #expect(try streams(federation.member("alpha/hq"), author: laptopID).filter { !$0.hasPrefix("SECRET") }
                == streams(federation.member("bravo/hq"), author: laptopID))
        }

        static func refusalCode(_ body: () throws -> Any) -> String? {
            do {
                _ = try body()
                return nil
            } catch let ControlClientError.refused(_, code, _) {
                return code
            } catch {
                return "\(error)"
            }
        }

        @Test func aRevocationEffectiveBeforeTheWritesWithdrawsThemEverywhere() throws {
            let federation = try Self.federation()
            defer { federation.shutdown() }
            let hq = federation.client("alpha/hq")
            _ = try hq.putRecord(PutRecordRequest(id: "c-shared", type: "note", classification: "CONFIDENTIAL", fields: ["v": "hq"], tags: ["a"]))
            _ = try hq.putRecord(PutRecordRequest(id: "r-shared", type: "note", classification: "RESTRICTED", fields: ["v": "hq"]))
            try FederationWait.until("the laptop holds hq's records", timeout: 30) {
                (try? federation.client("alpha/laptop").getRecord(id: "r-shared")) == nil
                    || (try? federation.client("alpha/laptop").getRecord(id: "c-shared")) == nil ? "missing" : nil
            }
            let laptopID = try federation.client("alpha/laptop").status().device.id
            // Written before T with the key hq granted: it stays.
            _ = try federation.client("alpha/laptop").putRecord(
                PutRecordRequest(id: "c-early", type: "note", classification: "CONFIDENTIAL", fields: ["v": "early"]))
            let effective = Self.nextSecond()
            try Self.writeAfterT(federation)
            // The laptop is lost: it stops, and is revoked from before what was written on it.
            try federation.stop("alpha/laptop")
            let result = try ProcessRunner.run(
                Binaries.cairn, try Self.revokeArguments(federation, at: "alpha/hq", extra: ["--effective-at", "\(effective)", "--json"]))
            #expect(result.status == 0, "\(result.stderr)")
            try Self.expectWithdrawn(federation, laptopID: laptopID, effective: effective)

            // A new peer is served nothing the laptop wrote from T on.
            let observer = try TestPeer.connect(
                port: federation.member("alpha/hq").port, as: .fresh(agency: "bravo", device: "observer", clearance: "CONFIDENTIAL"))
            defer { observer.close() }
            let expected = try Self.query(
                federation.member("alpha/hq"), "SELECT count(*) FROM delta WHERE level IN ('UNCLASSIFIED','RESTRICTED','CONFIDENTIAL');")
            let total = Int(expected.first ?? "") ?? 0
            let snapshot = try observer.wait("everything hq holds", timeout: 30) { $0.replica.stored.count >= total }
            let served = snapshot.replica.stored.compactMap { try? SealedDelta.parse($0) }
            #expect(!served.contains { $0.header.author.hex == laptopID && $0.header.hlc.wallMillis >= UInt64(effective) * 1000 })
            #expect(served.contains { $0.header.author.hex == laptopID }, "the laptop's earlier writes are still served")

            // A bundle bravo exports for charlie (who has never synced) imports cleanly there,
            // although charlie learns the revocation from the same bundle.
            let charlie = federation.member("charlie/hq"), bravo = federation.member("bravo/hq")
            let directory = FileManager.default.temporaryDirectory.appendingPathComponent("cairn-retro-\(UUID().uuidString)").path
            try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
            defer { try? FileManager.default.removeItem(atPath: directory) }
            let vector = directory + "/charlie.vector", bundle = directory + "/to-charlie.cairn"
            #expect(try ProcessRunner.run(Binaries.cairn, ["bundle", "vector", "--out", vector, "--socket", charlie.site.socket]).status == 0)
            let exported = try ProcessRunner.run(
                Binaries.cairn, ["bundle", "export", "--for", "charlie/hq", "--since", vector, "--out", bundle, "--socket", bravo.site.socket])
            #expect(exported.status == 0, "\(exported.stderr)")
            let imported = try ProcessRunner.run(Binaries.cairn, ["bundle", "import", bundle, "--json", "--socket", charlie.site.socket])
            #expect(imported.status == 0, "\(imported.stderr)")
            let document = try ControlJSON.decoder().decode(BundleImportDocument.self, from: Data(imported.stdout.utf8))
            #expect(document.refused == 0 && document.skipped == 0 && document.stored > 0, "\(document)")
            #expect(try charlie.client.getRecord(id: "r-shared").fields["v"] == "hq")
            #expect(Self.refusalCode { try charlie.client.getRecord(id: "r-thief") } == "record_not_found")
            #expect(try Self.digestDifference(charlie.client, bravo.client, levels: ["UNCLASSIFIED", "RESTRICTED"]) == nil)
        }

        /// Without --effective-at: what the laptop writes after its revocation was signed but
        /// before it reached the sites is withdrawn once it arrives.
        @Test func whatIsWrittenBetweenSigningAndArrivalIsWithdrawn() throws {
            let federation = try Self.federation()
            defer { federation.shutdown() }
            let hq = federation.client("alpha/hq")
            _ = try hq.putRecord(PutRecordRequest(id: "c-shared", type: "note", classification: "CONFIDENTIAL", fields: ["v": "hq"], tags: ["a"]))
            _ = try hq.putRecord(PutRecordRequest(id: "r-shared", type: "note", classification: "RESTRICTED", fields: ["v": "hq"]))
            try FederationWait.until("the laptop holds hq's records", timeout: 30) {
                (try? federation.client("alpha/laptop").getRecord(id: "r-shared")) == nil
                    || (try? federation.client("alpha/laptop").getRecord(id: "c-shared")) == nil ? "missing" : nil
            }
            let laptopID = try federation.client("alpha/laptop").status().device.id
            let directory = FileManager.default.temporaryDirectory.appendingPathComponent("cairn-retro-\(UUID().uuidString)").path
            try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
            defer { try? FileManager.default.removeItem(atPath: directory) }
            // Signed now, offline (effective now); carried to hq only after the laptop wrote.
            let file = directory + "/laptop.revocation"
            let signed = try ProcessRunner.run(
                Binaries.cairn,
                try Self.revokeArguments(
                    federation, at: "alpha/hq",
                    extra: ["--offline", "--out", file, "--certificate", TestKeys.path(TestKeys.certificateFile("alpha/laptop"))]))
            #expect(signed.status == 0, "\(signed.stderr)")
            let effective = try Revocation.verify(try SignedObject.read(from: file, kind: .revocation), charter: TestKeys.charter()).effectiveAt
            while Date().timeIntervalSince1970 < Double(effective + 1) { Thread.sleep(forTimeInterval: 0.05) }
            try Self.writeAfterT(federation)
            let bytes = try SignedObject.read(from: file, kind: .revocation).serialized()
            #expect(try hq.revoke(SignedObjectRequest(bytes: bytes)).learned)
            try Self.expectWithdrawn(federation, laptopID: laptopID, effective: effective)
        }
    }
}
