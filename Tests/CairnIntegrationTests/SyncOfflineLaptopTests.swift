import CairnControl
import Foundation
import Testing

extension IntegrationSuite {
    /// A field laptop works without a link while its HQ works on: both write 1,000 changes, some
    /// to the same fields of the same records, some deleting. When the link comes back, the two
    /// sites exchange only what differs (bytes in proportion to the changes, not to the 3,000
    /// records they already shared), end with equal state digests, and show the concurrent field
    /// writes as conflicts on both sides.
    @Suite(.timeLimit(.minutes(2)))
    struct SyncOfflineLaptopTests {
        static let hqDevice = "alpha/hq"
        static let laptopDevice = "alpha/laptop"
        static let shared = 3_000
        static let offlineChanges = 1_000

        /// Both SECRET, so every level is common: a quarter of the records RESTRICTED, the rest SECRET.
        static func level(_ n: Int) -> String { n % 4 == 0 ? "RESTRICTED" : "SECRET" }

        @Test func anOfflineLaptopReconcilesOnlyWhatDiffers() throws {
            let started = Date()
            let federation = try Federation(devices: [Self.hqDevice, Self.laptopDevice], options: .init(meshed: false))
            defer { federation.shutdown() }
            let hq = federation.member(Self.hqDevice)
            let laptop = federation.member(Self.laptopDevice)
            // Only the laptop dials, as a laptop behind NAT would: one connection per link, so its
            // counters are the whole exchange.
            let link = AddPeerRequest(name: hq.peerName, address: hq.address)
            _ = try laptop.client.addPeer(link)
            try federation.waitUntilConnected()

            // A common past: 3,000 records written at HQ, shared while the link is up.
            try Self.concurrently(count: Self.shared, tasks: 4) { n in
                _ = try hq.client.putRecord(PutRecordRequest(
                    id: "base-\(n)", type: "note", classification: Self.level(n),
                    fields: ["n": .int(Int64(n)), "origin": "hq"], tags: n % 3 == 0 ? ["watch"] : []))
            }
            try Self.waitForEqualDigests(hq, laptop, records: Self.shared, federation: federation)
            let prefix = Date()

            // The link goes: the laptop forgets its only peer, and the HQ never dials laptops.
            try laptop.client.removePeer(named: hq.peerName)
            try FederationWait.until("the link is down", timeout: 15) {
                let up = try hq.client.peers().peers.contains { $0.connected }
                    || laptop.client.peers().peers.contains { $0.connected }
                return up ? "a connection is still up" : nil
            }

            // Offline, both sides work on, at once.
            let (laptopWrites, hqWrites) = (Self.writer("laptop"), Self.writer("hq"))
            let failures = Failures()
            let group = DispatchGroup()
            for (member, write) in [(laptop, laptopWrites), (hq, hqWrites)] {
                DispatchQueue.global().async(group: group) {
                    do {
                        try Self.concurrently(count: Self.offlineChanges, tasks: 3) { try write(member.client, $0) }
                    } catch {
                        failures.add("\(member.device): \(error)")
                    }
                }
            }
            group.wait()
            if let failure = failures.all.first { throw TestFailure(failure) }
            let offline = Date()

            // What differs: the deltas each side holds and the other lacks, as stored.
            let hqDeltas = try Self.deltaSizes(hq), laptopDeltas = try Self.deltaSizes(laptop)
            let lackedByLaptop = Set(hqDeltas.keys).subtracting(laptopDeltas.keys)
            let lackedByHQ = Set(laptopDeltas.keys).subtracting(hqDeltas.keys)
            #expect(lackedByLaptop.count == Self.offlineChanges && lackedByHQ.count == Self.offlineChanges)
            let laptopLacked = lackedByLaptop.reduce(0) { $0 + hqDeltas[$1]! }
            let hqLacked = lackedByHQ.reduce(0) { $0 + laptopDeltas[$1]! }
            let differing = laptopLacked + hqLacked
            let storeBytes = hqDeltas.values.reduce(0, +) + hqLacked
            let before = try Self.counters(laptop, peer: Self.hqDevice)

            // The link comes back.
            _ = try laptop.client.addPeer(link)
            let expectedRecords = Self.shared + 2 * 750
            try Self.waitForEqualDigests(hq, laptop, records: expectedRecords, federation: federation)
            let converged = Date()
            let after = try Self.counters(laptop, peer: Self.hqDevice)
            let mirrored = try Self.counters(hq, peer: Self.laptopDevice)
            let exchanged = (after.sent + after.received) - (before.sent + before.received)

            // Conflicts are visible on both sides, the same; deletions happened on both sides.
            for member in [hq, laptop] {
                let documents = try Dictionary(
                    uniqueKeysWithValues: ["RESTRICTED", "SECRET"].flatMap {
                        try member.client.listRecords(class: $0, deleted: .include)
                    }.map { ($0.id, $0) })
                #expect(documents.count == expectedRecords)
                for n in 0..<150 {
                    let record = try #require(documents["base-\(n)"])
                    let conflicts = record.conflicts["status"] ?? []
                    let values = Set([record.fields["status"]].compactMap { $0 } + conflicts.map(\.value))
                    #expect(
                        values == [JSONValue.string("laptop \(n)"), .string("hq \(n)")] && conflicts.count == 1,
                        "\(member.device) base-\(n): \(record.fields["status"] as Any), conflicts \(record.conflicts)")
                }
                for n in Array(1_150..<1_225) + Array(2_000..<2_050) {
                    #expect(documents["base-\(n)"]?.isDeleted == true, "\(member.device) base-\(n) should be deleted")
                }
                #expect(documents["base-2000"]?.fields["note"] == "laptop 200", "an edit concurrent with a delete is kept")
                #expect(documents["base-1149"]?.isDeleted == false)
                #expect(documents["lap-999"] != nil && documents["hq-250"] != nil)
            }

            let ratio = Double(exchanged) / Double(differing)
            print(
                "offline-laptop: differing=\(differing) bytes (\(lackedByLaptop.count)+\(lackedByHQ.count) deltas), "
                    + "exchanged=\(exchanged) bytes (laptop sent \(after.sent), received \(after.received); "
                    + "hq sent \(mirrored.sent), received \(mirrored.received)), ratio=\(String(format: "%.3f", ratio)), "
                    + "store=\(storeBytes) bytes in \(hqDeltas.count) deltas; "
                    + "timings: shared \(Self.seconds(started, prefix)), offline writes \(Self.seconds(prefix, offline)), "
                    + "reconcile \(Self.seconds(offline, converged))")
            #expect(exchanged <= differing * 3 / 2 + 16_384, "exchanged \(exchanged) bytes for \(differing) differing")
            // Not in proportion to the store: what went beyond the differing deltas is a small
            // fraction of what resending the shared past would cost.
            #expect(exchanged - differing <= (storeBytes - differing) / 20, "overhead \(exchanged - differing) bytes")
            #expect(exchanged >= differing, "every differing delta crossed the link")
        }

        // MARK: Writes

        /// The 1,000 changes one side makes offline, `change(n)` for n in 0..<1,000: 150 edits of
        /// one field that the other side edits too, 50 deletions (half of them also deleted by the
        /// other side), 50 records the other side deletes (edited here, deleted there), and 750
        /// new records.
        static func writer(_ side: String) -> @Sendable (ControlClient, Int) throws -> Void {
            { client, n in
                switch n {
                case 0..<150:
                    _ = try client.putRecord(PutRecordRequest(id: "base-\(n)", fields: ["status": .string("\(side) \(n)")]))
                case 150..<200:
                    _ = try client.deleteRecord(id: "base-\(side == "laptop" ? 1_000 + n : 1_025 + n)")
                case 200..<250:
                    let id = "base-\(1_800 + n)"
                    if side == "laptop" {
                        _ = try client.putRecord(PutRecordRequest(id: id, fields: ["note": .string("laptop \(n)")]))
                    } else {
                        _ = try client.deleteRecord(id: id)
                    }
                default:
                    let prefix = side == "laptop" ? "lap" : "hq"
                    _ = try client.putRecord(PutRecordRequest(
                        id: "\(prefix)-\(n)", type: "note", classification: level(n),
                        fields: ["n": .int(Int64(n)), "origin": .string(side)], tags: n % 5 == 0 ? ["offline"] : []))
                }
            }
        }

        /// Runs `body(n)` for n in 0..<count on `tasks` threads; rethrows the first failure.
        static func concurrently(count: Int, tasks: Int, _ body: @escaping @Sendable (Int) throws -> Void) throws {
            let failures = Failures()
            let group = DispatchGroup()
            for task in 0..<tasks {
                DispatchQueue.global().async(group: group) {
                    for n in stride(from: task, to: count, by: tasks) {
                        do { try body(n) } catch {
                            failures.add("change \(n): \(error)")
                            return
                        }
                    }
                }
            }
            group.wait()
            if let first = failures.all.first { throw TestFailure(first) }
        }

        // MARK: Observations

        /// Waits until both sites report the same digest over `records` records.
        static func waitForEqualDigests(
            _ a: Federation.Member, _ b: Federation.Member, records: Int, federation: Federation
        ) throws {
            do {
                try FederationWait.until("equal digests", timeout: 40, interval: 0.25) {
                    let (first, second) = (try a.client.digest(), try b.client.digest())
                    let held = first.levels.values.reduce(0) { $0 + $1.records }
                    if held != records { return "\(a.device) holds \(held)/\(records) records" }
                    if first != second {
                        return "\(a.device) \(first.digest.prefix(12)) vs \(b.device) \(second.digest.prefix(12)) "
                            + "(\(second.levels.values.reduce(0) { $0 + $1.records }) records)"
                    }
                    return nil
                }
            } catch {
                throw TestFailure("\(error)\n\(federation.logs().suffix(20_000))")
            }
        }

        /// The frame bytes of the connection with `peer` (zero when none is up).
        static func counters(_ member: Federation.Member, peer: String) throws -> (sent: Int, received: Int) {
            let connected = try member.client.peers().peers.filter { $0.device == peer && $0.connected }
            return (connected.reduce(0) { $0 + Int($1.bytesSent) }, connected.reduce(0) { $0 + Int($1.bytesReceived) })
        }

        /// Every stored delta's id (hex) and envelope size, read from the store with sqlite3.
        static func deltaSizes(_ member: Federation.Member) throws -> [String: Int] {
            let result = try ProcessRunner.run(
                "/usr/bin/sqlite3", [member.site.state + "/cairn.sqlite", "SELECT hex(id), length(envelope) FROM delta;"])
            guard result.status == 0 else { throw TestFailure("sqlite3: \(result.stderr)") }
            var sizes: [String: Int] = [:]
            for line in result.stdout.split(separator: "\n") {
                let parts = line.split(separator: "|")
                guard parts.count == 2, let size = Int(parts[1]) else { throw TestFailure("sqlite3 printed \(line)") }
                sizes[String(parts[0])] = size
            }
            return sizes
        }

        static func seconds(_ from: Date, _ to: Date) -> String {
            String(format: "%.1f s", to.timeIntervalSince(from))
        }
    }
}
