import CairnControl
import CairnProtocol
import CairnTestSupport
import CairnTrust
import Foundation
import Testing

extension IntegrationSuite {
    /// Revocation across a running federation: an admin revokes a device with the CLI at one site;
    /// the revocation spreads to every peer, the device loses its connections, the keys it held
    /// are rotated, and nothing written afterwards reaches it.
    @Suite(.serialized, .timeLimit(.minutes(2)))
    struct SyncRevocationTests {
        @Test func aRevokedLaptopIsCutOffAndCannotReadNewRecords() throws {
            let federation = try Federation(devices: ["alpha/hq", "alpha/laptop", "bravo/hq"], options: .init(antiEntropySeconds: 1))
            defer { federation.shutdown() }
            try federation.waitUntilConnected()
            let hq = federation.client("alpha/hq"), laptop = federation.client("alpha/laptop"), bravo = federation.client("bravo/hq")
            _ = try hq.putRecord(PutRecordRequest(id: "c-before", type: "note", classification: "CONFIDENTIAL", fields: ["v": "before"]))
            // A record at every other level too, so that the HQ holds a key of each (keys are
            // minted on a level's first write) and the laptop holds them all.
            for level in Federation.levels where level != "CONFIDENTIAL" {
                _ = try hq.putRecord(PutRecordRequest(id: "k-\(level.lowercased())", type: "note", classification: level, fields: ["v": 0]))
            }
            try FederationWait.until("the laptop holds c-before and a record of every level", timeout: 20) {
                (try? laptop.getRecord(id: "c-before")) == nil || (try? laptop.getRecord(id: "k-secret")) == nil
                    || (try? laptop.getRecord(id: "k-unclassified")) == nil || (try? laptop.getRecord(id: "k-restricted")) == nil ? "missing" : nil
            }

            let directory = FileManager.default.temporaryDirectory.appendingPathComponent("cairn-revoke-\(UUID().uuidString)").path
            try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
            defer { try? FileManager.default.removeItem(atPath: directory) }
            let agencyKey = try TestKeys.privateCopy(of: TestKeys.agencyKeyFile("alpha"))
            defer { try? FileManager.default.removeItem(atPath: (agencyKey as NSString).deletingLastPathComponent) }
            let result = try ProcessRunner.run(
                Binaries.cairn,
                [
                    "device", "revoke", "alpha/laptop", "--key", agencyKey,
                    "--charter", TestKeys.path(TestKeys.charterFile), "--reason", "laptop lost", "--out", directory + "/laptop.revocation",
                    "--socket", federation.member("alpha/hq").site.socket, "--json",
                ])
            #expect(result.status == 0, "\(result.stderr)")
            let answer = try ControlJSON.decoder().decode(RevocationResultDocument.self, from: Data(result.stdout.utf8))
            #expect(answer.learned)
            #expect(Set(answer.rotated) == Set(Federation.levels))
            #expect(FileManager.default.fileExists(atPath: directory + "/laptop.revocation"))

            // bravo learns it from the HQ and cuts the laptop off too.
            try FederationWait.until("bravo knows the revocation", timeout: 20) {
                try bravo.devices().first { $0.device == "alpha/laptop" }?.withdrawn == nil ? "not withdrawn at bravo" : nil
            }
            try FederationWait.until("nobody is connected to the laptop", timeout: 20) {
                let connected = try [hq, bravo].flatMap { try $0.peers().peers }.filter { $0.device == "alpha/laptop" && $0.connected }
                return connected.isEmpty ? nil : "\(connected.count) links still up"
            }

            _ = try hq.putRecord(PutRecordRequest(id: "c-after", type: "note", classification: "CONFIDENTIAL", fields: ["v": "after"]))
            try FederationWait.until("bravo holds c-after", timeout: 20) {
                (try? bravo.getRecord(id: "c-after")) == nil ? "missing" : nil
            }
            // The HQ and bravo write with the same (new) epoch; the laptop holds none of the new ones.
            try FederationWait.until("HQ and bravo agree on the current epochs", timeout: 20) {
                let current = { (client: ControlClient) throws -> [String: String] in
                    Dictionary(uniqueKeysWithValues: try client.keys().levels.compactMap { level in
                        level.epochs.first(where: \.current).map { (level.name, "\($0.number)/\($0.keyId)") }
                    })
                }
                let (a, b) = (try current(hq), try current(bravo))
                let common = ["UNCLASSIFIED", "RESTRICTED", "CONFIDENTIAL"]
                return common.allSatisfy { a[$0] != nil && a[$0] == b[$0] && !a[$0]!.hasPrefix("1/") } ? nil : "hq \(a) bravo \(b)"
            }
            let laptopKeys = try laptop.keys()
            for level in laptopKeys.levels {
                #expect(level.epochs.filter(\.held).allSatisfy { $0.number == 1 }, "\(level.name): \(level.epochs)")
            }
            Thread.sleep(forTimeInterval: 2)
            #expect(throws: ControlClientError.self) { try laptop.getRecord(id: "c-after") }
            let audit = try bravo.auditEntries()
            #expect(audit.contains { $0.kind == "device.revoked" && $0.actor.hasPrefix("peer:") })
            // The laptop redials; the HQ refuses it for being revoked, hands it the revocation and
            // says why (issue 17): the laptop then knows it is revoked, shows why in `peer list`,
            // does not audit the HQ as faulty, and stops redialling for an hour.
            try FederationWait.until("the HQ refused a redial of the laptop", timeout: 20) {
                let count = try federation.counter("alpha/hq", "cairn_sync_connections_refused_total", containing: "reason=\"revoked\"")
                return count >= 1 ? nil : "\(count) refusals"
            }
            try FederationWait.until("the laptop knows it is revoked and why it is refused", timeout: 20) {
                let own = try laptop.devices().first { $0.device == "alpha/laptop" }
                let errors = try laptop.peers().peers.compactMap(\.lastError)
                return own?.withdrawn != nil && errors.contains { $0.contains("refused by the peer") && $0.contains("(revoked)") }
                    ? nil : "withdrawn \(String(describing: own?.withdrawn)), errors \(errors)"
            }
            let settled = try federation.counter("alpha/hq", "cairn_sync_connections_refused_total", containing: "reason=\"revoked\"")
            Thread.sleep(forTimeInterval: 8)
            let later = try federation.counter("alpha/hq", "cairn_sync_connections_refused_total", containing: "reason=\"revoked\"")
            #expect(later == settled, "the laptop kept redialling: \(settled) then \(later) refusals")
            for client in [hq, bravo] {
                let refusals = try client.auditEntries().filter { $0.kind == "sync.peer_refused" }
                #expect(refusals.contains { $0.detail.contains("\"revoked\"") })
                #expect(!refusals.contains { $0.detail.contains("\"protocol\"") }, "\(refusals.map(\.detail))")
            }
            let laptopRefusals = try laptop.auditEntries().filter { $0.kind == "sync.peer_refused" }
            #expect(laptopRefusals.isEmpty, "the laptop audited its peers as faulty: \(laptopRefusals.map(\.detail))")
        }

        /// A revoked device that says Hello and goes on talking is refused once, for being
        /// revoked: what follows its Hello is not answered, nor refused again as a protocol error
        /// (before the fix, every such connection left a second `protocol` refusal).
        @Test func aRevokedDeviceIsRefusedOnceAndNotAnswered() throws {
            let federation = try Federation(devices: ["alpha/hq"])
            defer { federation.shutdown() }
            let hq = federation.member("alpha/hq")
            let laptop = TestKeys.verifiedCertificate("alpha/laptop")
            let revocation = try Revocation.issue(
                certificate: laptop, agencyKey: TestKeys.agency("alpha"), charter: TestKeys.charter(),
                effectiveAt: Int64(Date().timeIntervalSince1970) - 60, reason: "stolen")
            #expect(try hq.client.revoke(SignedObjectRequest(bytes: revocation.serialized())).learned)

            let peer = try TestPeer.connect(port: hq.port, as: .fixture("alpha/laptop"), hello: false)
            defer { peer.close() }
            let charter = TestKeys.charter()
            peer.send(
                .hello(HelloFrame(federationID: charter.federationID, charterVersion: charter.version, certificate: laptop.signed.serialized())))
            peer.send(.certificates([laptop.signed.serialized()]))
            let closed = try peer.waitUntilClosed()
            #expect(closed.goodbye?.contains("revoked") == true)
            #expect(!closed.frames.contains { if case .hello = $0 { return true } else { return false } }, "the daemon introduced itself")
            Thread.sleep(forTimeInterval: 0.5)
            let refusals = try hq.client.auditEntries().filter { $0.kind == "sync.peer_refused" }
            #expect(refusals.count == 1, "\(refusals.map(\.detail))")
            #expect(refusals.first?.detail.contains("\"revoked\"") == true)
        }
    }
}

extension IntegrationSuite.SyncRevocationTests {
    /// A site that dials itself (a loop in its peer list) is told `self`, as documented, and
    /// shows it in `peer list`; it does not audit its own refusal as the peer's protocol fault.
    @Test func dialingOneselfShowsSelf() throws {
        let federation = try Federation(devices: ["alpha/hq"])
        defer { federation.shutdown() }
        let hq = federation.member("alpha/hq")
        _ = try hq.client.addPeer(AddPeerRequest(name: "loop", address: "127.0.0.1:\(hq.port)"))
        try FederationWait.until("peer list shows the refusal as self", timeout: 20) {
            let loop = try hq.client.peers().peers.first { $0.name == "loop" }
            return loop?.lastError?.contains("(self)") == true ? nil : "loop: \(String(describing: loop?.lastError))"
        }
        let protocolFaults = try hq.client.auditEntries().filter { $0.kind == "sync.peer_refused" && $0.detail.contains("\"protocol\"") }
        #expect(protocolFaults.isEmpty, "\(protocolFaults.map(\.detail))")
    }
}

extension IntegrationSuite.SyncRevocationTests {
    /// A peer that only ever dialled in stays in `peer list` after it disconnects: not
    /// connected, with when and why (issue 17: it used to vanish).
    @Test func anInboundOnlyPeerIsStillListedAfterItLeaves() throws {
        var options = Federation.Options()
        options.meshed = false
        let federation = try Federation(devices: ["alpha/hq", "alpha/laptop"], options: options)
        defer { federation.shutdown() }
        let hq = federation.member("alpha/hq")
        _ = try federation.client("alpha/laptop").addPeer(AddPeerRequest(name: "hq", address: hq.address))
        try FederationWait.until("the HQ sees the laptop", timeout: 20) {
            try hq.client.peers().peers.contains { $0.device == "alpha/laptop" && $0.connected } ? nil : "not connected"
        }
        _ = try federation.stop("alpha/laptop")
        try FederationWait.until("the HQ lists the laptop as gone", timeout: 20) {
            let rows = try hq.client.peers().peers.filter { $0.device == "alpha/laptop" }
            return rows.count == 1 && !rows[0].connected && rows[0].source == "inbound"
                && rows[0].lastError?.hasPrefix("disconnected at ") == true ? nil : "\(rows)"
        }
    }
}

extension IntegrationSuite.SyncRevocationTests {
    /// A configured peer that dialled in before this site's own dial to it ever succeeded shows
    /// as one row, its configured one, not as a second inbound row (issue 17, point 4).
    @Test func aConfiguredPeerThatDialledInIsOneRow() throws {
        var options = Federation.Options()
        options.meshed = false
        let federation = try Federation(devices: ["alpha/hq", "alpha/laptop"], options: options)
        defer { federation.shutdown() }
        let hq = federation.member("alpha/hq")
        // The HQ's own dial to the laptop cannot succeed (nothing listens there); the laptop
        // dials the HQ.
        _ = try hq.client.addPeer(AddPeerRequest(name: "laptop", address: "127.0.0.1:1"))
        _ = try federation.client("alpha/laptop").addPeer(AddPeerRequest(name: "hq", address: hq.address))
        try FederationWait.until("the HQ lists the laptop once, on its configured row", timeout: 20) {
            let rows = try hq.client.peers().peers
            let laptop = rows.filter { $0.name == "laptop" || $0.device == "alpha/laptop" }
            return laptop.count == 1 && laptop[0].name == "laptop" && laptop[0].connected && laptop[0].device == "alpha/laptop"
                ? nil : "\(rows.map { "\($0.name) \($0.source) \($0.device ?? "-") \($0.connected)" })"
        }
    }

    /// Two configured peers on one host (every loopback lab) that dial in before this site's
    /// own dials reach them: each connection is shown on its peer's row, told apart by the
    /// listen port its Hello announces, not as two more inbound rows (issue 17, point 4).
    @Test func twoConfiguredPeersOnOneHostThatDialledInAreOneRowEach() throws {
        var options = Federation.Options()
        options.meshed = false
        let federation = try Federation(devices: ["alpha/hq", "alpha/laptop", "bravo/hq"], options: options)
        defer { federation.shutdown() }
        let hq = federation.member("alpha/hq")
        let others = [("laptop", "alpha/laptop"), ("bravo", "bravo/hq")]
        // Each of the others knows the HQ, and is stopped while the HQ is told of it: the HQ's
        // dials fail and back off (1 s, 2 s, 4 s), so the others dial in first when they start.
        for (_, device) in others {
            _ = try federation.client(device).addPeer(AddPeerRequest(name: "hq", address: hq.address))
            try federation.stop(device)
        }
        for (name, device) in others {
            _ = try hq.client.addPeer(AddPeerRequest(name: name, address: federation.member(device).address))
        }
        Thread.sleep(forTimeInterval: 3.5)
        for (_, device) in others { try federation.start(device) }
        var first: [PeerDocument] = []
        try FederationWait.until("both have dialled in to the HQ", timeout: 20, interval: 0.05) {
            let rows = try hq.client.peers().peers
            let connected = Set(rows.filter(\.connected).compactMap(\.device))
            first = rows
            return connected.isSuperset(of: others.map(\.1)) ? nil : "\(rows.map { "\($0.name) \($0.device ?? "-") \($0.connected)" })"
        }
        let shown = first.map { "\($0.name) \($0.source) \($0.device ?? "-") \($0.connected)" }
        for (name, device) in others {
            let rows = first.filter { $0.name == name || $0.device == device }
            #expect(rows.count == 1 && rows[0].name == name && rows[0].connected, "\(shown)")
        }
        #expect(!first.contains { $0.source == "inbound" }, "\(shown)")
    }
}
