import CairnControl
import CairnTestSupport
import CairnTrust
import Foundation
import Testing

extension IntegrationSuite {
    /// A charter amendment given to one running site spreads to its peers, withdraws the devices it
    /// no longer allows everywhere, and the keys they held are rotated.
    @Suite(.serialized, .timeLimit(.minutes(2)))
    struct SyncCharterAmendmentTests {
        @Test func anAmendmentRemovingAnAgencySpreadsAndCutsItsDevicesOff() throws {
            let federation = try Federation(devices: ["alpha/hq", "bravo/hq", "charlie/hq"], options: .init(antiEntropySeconds: 1))
            defer { federation.shutdown() }
            try federation.waitUntilConnected()
            let alpha = federation.client("alpha/hq"), bravo = federation.client("bravo/hq"), charlie = federation.client("charlie/hq")
            // Alpha writes at the levels charlie holds, so that it holds (minted) their keys and
            // charlie is granted them: the amendment then exposes both.
            for level in ["UNCLASSIFIED", "RESTRICTED"] {
                _ = try alpha.putRecord(PutRecordRequest(id: "k-\(level.lowercased())", type: "note", classification: level, fields: ["v": 0]))
            }
            try FederationWait.until("charlie holds alpha's records", timeout: 20) {
                (try? charlie.getRecord(id: "k-unclassified")) == nil || (try? charlie.getRecord(id: "k-restricted")) == nil ? "missing" : nil
            }

            // Version 2 without charlie, signed by alpha and bravo (the threshold of version 1).
            let v1 = TestKeys.charter()
            var draft = try Charter.make(
                federationName: v1.federationName, federationID: v1.federationID, version: 2, levels: v1.levels.names,
                agencies: v1.agencies.filter { $0.name.value != "charlie" }, threshold: 2, issuedAt: Int64(Date().timeIntervalSince1970) - 5)
            draft = try draft.sign(with: TestKeys.agency("alpha")).sign(with: TestKeys.agency("bravo"))
            let directory = FileManager.default.temporaryDirectory.appendingPathComponent("cairn-amend-\(UUID().uuidString)").path
            try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
            defer { try? FileManager.default.removeItem(atPath: directory) }
            try draft.signed.write(to: directory + "/charter-v2.cairn")

            let result = try ProcessRunner.run(
                Binaries.cairn,
                ["charter", "apply", directory + "/charter-v2.cairn", "--socket", federation.member("alpha/hq").site.socket, "--json"])
            #expect(result.status == 0, "\(result.stderr)")
            let answer = try ControlJSON.decoder().decode(CharterResultDocument.self, from: Data(result.stdout.utf8))
            #expect(answer.amended && answer.version == 2)
            #expect(answer.withdrawn == ["charlie/hq"])
            #expect(Set(answer.rotated) == ["UNCLASSIFIED", "RESTRICTED"])

            // bravo receives the amendment from alpha and acts on it too.
            try FederationWait.until("bravo holds charter version 2", timeout: 20) {
                let version = try bravo.status().federation.charterVersion
                return version == 2 ? nil : "version \(version)"
            }
            try FederationWait.until("bravo withdrew charlie/hq", timeout: 20) {
                try bravo.devices().first { $0.device == "charlie/hq" }?.withdrawn == nil ? "not withdrawn" : nil
            }
            try FederationWait.until("nobody is connected to charlie", timeout: 20) {
                let connected = try [alpha, bravo].flatMap { try $0.peers().peers }.filter { $0.device == "charlie/hq" && $0.connected }
                return connected.isEmpty ? nil : "\(connected.count) links still up"
            }
            // A RESTRICTED record written now reaches bravo, never charlie, which holds no new key.
            _ = try alpha.putRecord(PutRecordRequest(id: "r-after", type: "note", classification: "RESTRICTED", fields: ["v": 1]))
            try FederationWait.until("bravo holds r-after", timeout: 20) { (try? bravo.getRecord(id: "r-after")) == nil ? "missing" : nil }
            for level in try charlie.keys().levels {
                #expect(level.epochs.filter(\.held).allSatisfy { $0.number == 1 }, "\(level.name): \(level.epochs)")
            }
            #expect(throws: ControlClientError.self) { try charlie.getRecord(id: "r-after") }
            // Applying it again changes nothing; an older or foreign charter is refused.
            let again = try ProcessRunner.run(
                Binaries.cairn, ["charter", "apply", directory + "/charter-v2.cairn", "--socket", federation.member("bravo/hq").site.socket])
            #expect(again.status == 0 && again.stdout.contains("already held"), "\(again.stdout) \(again.stderr)")
            let old = try ProcessRunner.run(
                Binaries.cairn, ["charter", "apply", TestKeys.path(TestKeys.charterFile), "--socket", federation.member("bravo/hq").site.socket])
            #expect(old.status == 1 && old.stderr.contains("invalid_charter") || old.stderr.contains("not the next valid version"), "\(old.stderr)")
        }
    }
}
