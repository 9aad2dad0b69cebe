import CairnControl
import CairnCrypto
import CairnProtocol
import CairnTestSupport
import Foundation
import Testing

extension IntegrationSuite {
    /// A peer with a valid certificate that tries to make the daemon spend: vectors announcing
    /// more streams than the limits allow, a vector as large as a frame may be, and a socket it
    /// stops reading while the daemon has megabytes to send it. Each costs the daemon a bounded
    /// amount of time and memory, is refused or dropped, and honest peers keep syncing.
    @Suite(.serialized, .timeLimit(.minutes(2)))
    struct SyncHostilePeerFloodTests {
        typealias Hostile = SyncHostilePeerTests

        enum Announcement: String, CaseIterable, CustomTestStringConvertible, Sendable {
            /// A summary counting a million streams (the limit is 200,000).
            case summaryOfAMillionStreams
            /// A vector of 200,001 (empty) positions: one over the limit, in 400 KB.
            case vectorOverTheLimit
            /// A vector of two million empty positions, just under the 4 MiB frame limit: parsed,
            /// it would be about 150 MiB of structs.
            case vectorOfTwoMillionPositions
            /// A vector of well-formed positions filling a frame (about 45,000), the last one at
            /// a level the peer is not cleared for.
            case fullFrameVectorNamingSecret

            var testDescription: String { rawValue }
        }

        @Test(.serialized, arguments: Announcement.allCases)
        func aHugeAnnouncementIsRefusedCheaply(_ announcement: Announcement) throws {
            let federation = try Federation(devices: ["alpha/hq"])
            defer { federation.shutdown() }
            let alpha = federation.member("alpha/hq")
            _ = try alpha.client.putRecord(
                PutRecordRequest(id: "before", type: "note", classification: "RESTRICTED", fields: ["n": 1]))
            let bravo = try Hostile.connectInSync(as: .fixture("bravo/hq"), to: alpha)
            defer { bravo.close() }
            let message = try Self.message(announcement)
            #expect(message.count <= SyncLimits.default.maxFrameBytes, "\(message.count) bytes")
            let baseline = try Hostile.Baseline(alpha)
            let before = try TestPeerMemory(alpha)

            let start = Date()
            bravo.sendEncoded(message)
            let closed = try bravo.waitUntilClosed(timeout: 10)
            let seconds = Date().timeIntervalSince(start)
            let after = try TestPeerMemory(alpha)
            print("\(announcement): \(message.count) bytes refused in \(String(format: "%.3f", seconds)) s; alpha/hq \(before) → \(after); goodbye \(closed.goodbye ?? "none")")

            let code = announcement == .fullFrameVectorNamingSecret ? "round" : "malformed_frame"
            try SyncHostilePeerLiesTests.expectAudit(alpha, after: baseline.auditSeq, "sync.peer_refused", reason: code)
            #expect(closed.goodbye != nil, "closed without a Goodbye")
            // Bounded cost: at most a second or so on two debug cores; the peak resident size grows
            // by a small multiple of one frame (4 MiB of well-formed positions parse into about
            // 30 MiB), and for the empty positions, counted before anything is parsed, by far
            // less than the 150 MiB their structs would take.
            #expect(seconds < 3, "refusing took \(seconds) s")
            let bound = announcement == .fullFrameVectorNamingSecret ? 64 << 10 : 16 << 10
            #expect(after.peakKiB - before.peakKiB < bound, "peak RSS grew from \(before) to \(after)")
            #expect(try Hostile.Baseline(alpha).holdings == baseline.holdings)
            try Hostile.checkStillServing(alpha)
        }

        /// bravo/hq takes one batch, stops reading, and keeps the connection busy by repeating
        /// its acknowledgement of that batch every second: the idle timeout never fires, but
        /// the acknowledgement timeout does (before the fix the link stayed up with the window
        /// in flight for as long as the peer liked).
        @Test func aPeerThatStopsAcknowledgingButKeepsTalkingIsRefused() throws {
            let idle = 5
            let federation = try Federation(devices: ["alpha/hq"], options: .init(idleTimeoutSeconds: idle))
            defer { federation.shutdown() }
            let alpha = federation.member("alpha/hq")
            for n in 0..<24 {
                var fields: [String: JSONValue] = [:]
                for f in 0..<4 { fields["text\(f)"] = .string(Data(SecureRandom.bytes(45_000)).base64EncodedString()) }
                _ = try alpha.client.putRecord(
                    PutRecordRequest(id: "bulk-\(n)", type: "note", classification: "CONFIDENTIAL", fields: fields))
            }
            let auditSeq = try alpha.client.auditEntries().last?.seq ?? 0
            let bravo = try TestPeer.connect(port: alpha.port, as: .fixture("bravo/hq"))
            defer { bravo.close() }
            let snapshot = try bravo.wait("a first batch", timeout: 20) { snapshot in
                snapshot.frames.contains { if case .deltas = $0 { return true } else { return false } }
            }
            let first = try #require(snapshot.frames.compactMap { frame -> UInt64? in
                if case .deltas(let batch, _) = frame { return batch } else { return nil }
            }.first)
            try bravo.stopReading()
            let stalledAt = Date()
            var refused = false
            while !refused, Date().timeIntervalSince(stalledAt) < Double(idle) * 4 {
                bravo.send(.ack(AckCounts(batch: first)))
                Thread.sleep(forTimeInterval: 1)
                refused = try alpha.client.auditEntries(after: auditSeq).contains {
                    $0.kind == "sync.peer_refused" && $0.detail.contains("\"reason\":\"ack_timeout\"")
                }
            }
            #expect(refused, "no ack_timeout refusal within \(idle * 4) s")
            let after = Date().timeIntervalSince(stalledAt)
            #expect(after >= Double(idle) - 1, "refused after \(after) s, before the timeout")
        }

        /// bravo/hq (a test peer) asks for everything, takes one batch, then stops reading its
        /// socket while alpha/hq has about 12 MB of CONFIDENTIAL deltas for it. alpha/hq sends no
        /// more than its window of unacknowledged batches, its memory stays bounded, it drops the
        /// link when the idle timeout passes, and charlie/hq (a real daemon) gets a record
        /// written during the stall within seconds.
        @Test func aPeerThatStopsReadingIsDroppedWhileHonestPeersSync() throws {
            let idle = 5
            let federation = try Federation(
                devices: ["alpha/hq", "charlie/hq"], options: .init(idleTimeoutSeconds: idle))
            defer { federation.shutdown() }
            let alpha = federation.member("alpha/hq"), charlie = federation.member("charlie/hq")
            // 50 records of four 60,000-character fields of random text: 12 MB of deltas, three
            // times what the window lets out.
            let records = 50
            let fillStart = Date()
            for n in 0..<records {
                var fields: [String: JSONValue] = [:]
                for f in 0..<4 { fields["text\(f)"] = .string(Data(SecureRandom.bytes(45_000)).base64EncodedString()) }
                _ = try alpha.client.putRecord(
                    PutRecordRequest(id: "bulk-\(n)", type: "note", classification: "CONFIDENTIAL", fields: fields))
            }
            let fill = Date().timeIntervalSince(fillStart)
            try federation.waitUntilConnected()
            let before = try TestPeerMemory(alpha)
            let auditSeq = try alpha.client.auditEntries().last?.seq ?? 0

            let bravo = try TestPeer.connect(port: alpha.port, as: .fixture("bravo/hq"))
            defer { bravo.close() }
            try bravo.wait("a first batch", timeout: 20) { snapshot in
                snapshot.frames.contains { if case .deltas = $0 { return true } else { return false } }
            }
            try bravo.stopReading()
            let stalledAt = Date()

            // An honest peer meanwhile: a record written now reaches charlie/hq within seconds.
            _ = try alpha.client.putRecord(
                PutRecordRequest(id: "during-stall", type: "note", classification: "RESTRICTED", fields: ["ok": true]))
            try FederationWait.until("charlie/hq holds the record written during the stall", timeout: 5) {
                (try? charlie.client.getRecord(id: "during-stall")) == nil ? "missing" : nil
            }
            let honestAfter = Date().timeIntervalSince(stalledAt)

            // alpha/hq keeps at most its window unacknowledged, then waits; then it drops the link.
            var peak = before
            var bytesSent: UInt64 = 0
            try FederationWait.until("alpha/hq dropped the stalled link", timeout: Double(idle) * 3, interval: 0.2) {
                let memory = try TestPeerMemory(alpha)
                if memory.residentKiB > peak.residentKiB { peak = memory }
                let link = try alpha.client.peers().peers.first { $0.device == "bravo/hq" && $0.connected }
                guard let link else { return nil }
                bytesSent = max(bytesSent, link.bytesSent)
                return "still connected, \(bytesSent) bytes sent"
            }
            let droppedAfter = Date().timeIntervalSince(stalledAt)
            let limits = SyncLimits.default
            // Every Deltas frame the peer read before it stopped was acknowledged by its replica.
            let read = bravo.snapshot.received.filter { if case .deltas = $0.frame { return true } else { return false } }
            let acknowledged = read.reduce(0) { total, received in
                guard case .deltas(_, let envelopes) = received.frame else { return total }
                return total + envelopes.count
            }
            let acknowledgedBytes = read.reduce(0) { $0 + $1.bytes.count }
            print(
                "stalled reader: filled \(records) records in \(String(format: "%.1f", fill)) s; link dropped "
                    + "\(String(format: "%.1f", droppedAfter)) s after the stall (idle timeout \(idle) s); \(bytesSent) bytes "
                    + "sent, \(acknowledged) deltas (\(acknowledgedBytes) bytes) read and acknowledged; "
                    + "honest peer synced in \(String(format: "%.2f", honestAfter)) s; alpha/hq \(before) → peak \(peak)")

            // At most the window beyond what was acknowledged: four batches, each at most its
            // target size plus one delta (a record here is about 240 KB), plus small frames.
            let window = limits.maxUnackedBatches * (limits.maxBatchBytes + (256 << 10)) + (64 << 10)
            #expect(bytesSent <= UInt64(acknowledgedBytes + window), "\(bytesSent) bytes sent")
            #expect(bytesSent < UInt64(records * 240_000), "everything was sent to a peer that does not read")
            // Bounded: the window (4 batches of at most 1 MiB) and its copies, far below the 12 MB
            // of deltas that were waiting.
            #expect(peak.residentKiB - before.residentKiB < 24 << 10, "RSS grew from \(before) to \(peak)")
            #expect(droppedAfter >= Double(idle) - 1 && droppedAfter < Double(idle) * 2 + 1, "dropped after \(droppedAfter) s")
            try FederationWait.until("the idle timeout logged and counted", timeout: 5) {
                let log = (try? String(contentsOfFile: alpha.site.log, encoding: .utf8)) ?? ""
                let logged = log.split(separator: "\n").contains {
                    $0.contains("msg=sync.connection_error") && $0.contains("bravo/hq") && $0.contains("error.code=transport.idle_timeout")
                        && $0.contains("error.ms=\(idle * 1000)")
                }
                let counted = try alpha.client.metrics().contains("cairn_sync_connection_errors_total{reason=\"idle_timeout\"}")
                return logged && counted ? nil : "logged \(logged), counted \(counted)"
            }
            // The drop is on record: who, and why.
            try SyncHostilePeerLiesTests.expectAudit(alpha, after: auditSeq, "sync.peer_dropped", reason: "idle_timeout")
            let dropped = try alpha.client.auditEntries(after: auditSeq).filter { $0.kind == "sync.peer_dropped" }
            #expect(dropped.contains { $0.actor == "peer:bravo/hq" }, "\(dropped.map(\.actor))")
            _ = try alpha.client.status()
        }

        static func message(_ announcement: Announcement) throws -> [UInt8] {
            let limits = SyncLimits.default
            switch announcement {
            case .summaryOfAMillionStreams:
                return SyncFrame.summary(round: 99, digest: Array(repeating: 7, count: VectorDigest.length), streams: 1_000_000)
                    .encode()
            case .vectorOverTheLimit:
                return TestPeer.emptyPositionsVector(count: limits.maxVectorStreams + 1)
            case .vectorOfTwoMillionPositions:
                return TestPeer.emptyPositionsVector(count: (limits.maxFrameBytes - 64) / 2)
            case .fullFrameVectorNamingSecret:
                // About 90 bytes a position: find the count that fills the frame.
                var count = limits.maxFrameBytes / 90
                while true {
                    var positions = try TestPeer.madeUpPositions(count: count, level: "CONFIDENTIAL")
                    let last = positions.removeLast()
                    positions.append(StreamPosition(author: last.author, level: "SECRET", sequence: last.sequence, head: last.head))
                    let bytes = SyncFrame.vector(round: 99, positions: positions, reply: false).encode()
                    if bytes.count <= limits.maxFrameBytes { return bytes }
                    count -= (bytes.count - limits.maxFrameBytes) / 80 + 1
                }
            }
        }
    }
}
