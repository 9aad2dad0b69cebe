import CairnControl
import CairnTestSupport
import Dispatch
import Foundation
import Testing

@testable import CairnDaemon

/// The rows a write reads are read ahead once for its whole group (`RecordReadAhead`), not in a
/// read transaction per write; a read-ahead that fails costs only speed; and what one write of
/// a group did is seen by the next, retractions included.
@Suite struct WriteReadAheadTests {
    /// The reads each write made on its own (the rows of its id, the retraction check, the
    /// withdrawals) fail: the writes still go through, because their group read them ahead.
    @Test func writesReadNothingOnTheirOwn() throws {
        try SiteFixture.withAlphaSite { site in
            _ = try site.records.put(PutRecordRequest(id: "kept", type: "note", classification: "SECRET", fields: ["n": 0]))
            site.database.faults.fail(["read records", "read a record", "read a record's withdrawals"])
            defer { site.database.faults.clear() }
            let failures = Mutexed<[String]>([])
            concurrently(12) { n in
                do {
                    _ = try site.records.put(PutRecordRequest(id: "new-\(n)", type: "note", classification: "SECRET", fields: ["n": .int(Int64(n))]))
                    _ = try site.records.put(PutRecordRequest(id: "kept", fields: ["f\(n)": .int(Int64(n))]))
                } catch {
                    failures.update { $0.append("\(n): \(error)") }
                }
            }
            #expect(failures.value.isEmpty)
            site.database.faults.clear()
            #expect(try site.records.document(id: "kept").fields.count == 13)
            #expect(try site.records.list(level: "SECRET", type: nil, tag: nil, deleted: .include).count == 13)
        }
    }

    /// The read-ahead fails: each write reads for itself, with the same results.
    @Test func aFailedReadAheadFallsBackToEachWritesOwnReads() throws {
        try SiteFixture.withAlphaSite { site in
            _ = try site.records.put(PutRecordRequest(id: "r", type: "note", classification: "SECRET", fields: ["n": 1]))
            _ = try site.withdrawal.retract(id: "r", reason: "test")
            site.database.faults.fail(["read records ahead"])
            defer { site.database.faults.clear() }
            _ = try site.records.put(PutRecordRequest(id: "s", type: "note", classification: "SECRET", fields: ["n": 1]))
            #expect(try site.records.put(PutRecordRequest(id: "s", fields: ["n": 2])).0.fields["n"] == 2)
            #expect(SiteFixture.refusal { try site.records.put(PutRecordRequest(id: "r", type: "note", classification: "SECRET")) } == .recordRetracted)
        }
    }

    /// A retraction and a put of the same id at another level, in one group in that order: the
    /// put is refused as it would be in the next group (an id once retracted cannot be used
    /// again). Before, the put's retraction check read only the store, which did not hold the
    /// group's retraction yet, and the id came back at the other level.
    @Test func aRetractionEarlierInTheGroupCountsForTheNextWrite() throws {
        try SiteFixture.withAlphaSite { site in
            _ = try site.records.put(PutRecordRequest(id: "gone", type: "note", classification: "SECRET", fields: ["n": 1]))
            let outcomes = try Self.inOneGroup(
                site,
                { _ = try site.withdrawal.retract(id: "gone", reason: "test") },
                { _ = try site.records.put(PutRecordRequest(id: "gone", type: "note", classification: "CONFIDENTIAL")) },
                { _ = try site.records.put(PutRecordRequest(id: "gone", type: "note", classification: "SECRET")) })
            #expect(outcomes[0] == nil, "the retraction: \(String(describing: outcomes[0]))")
            #expect(outcomes[1] == .recordRetracted)
            #expect(outcomes[2] == .recordRetracted)
            #expect(SiteFixture.refusal { try site.records.document(id: "gone") } == .recordRetracted)
        }
    }

    /// Runs `calls` as jobs of one group, in order: the ledger is held by a job of its own while
    /// they queue behind it. Returns each call's refusal code (nil when it succeeded).
    static func inOneGroup(_ site: Site, _ calls: (@Sendable () throws -> Void)...) throws -> [ControlErrorCode?] {
        let holding = DispatchSemaphore(value: 0)
        let release = DispatchSemaphore(value: 0)
        let finished = DispatchGroup()
        finished.enter()
        Thread.detachNewThread {
            _ = try? site.ledger.submitAndWait { _ in
                holding.signal()
                release.wait()
            }
            finished.leave()
        }
        holding.wait()
        let outcomes = Mutexed<[Int: ControlErrorCode?]>([:])
        for (index, call) in calls.enumerated() {
            finished.enter()
            Thread.detachNewThread {
                do {
                    try call()
                    outcomes.update { $0[index] = .some(nil) }
                } catch {
                    // Through the control layer's mapping: the code a CLI user would see.
                    outcomes.update { $0[index] = controlRefusal(of: error)?.0 ?? .internal }
                }
                finished.leave()
            }
            let deadline = Date().addingTimeInterval(10)
            while site.ledger.queued < index + 1 {
                guard Date() < deadline else {
                    release.signal()
                    throw CancellationError()
                }
                usleep(1_000)
            }
        }
        release.signal()
        #expect(finished.wait(timeout: .now() + 30) == .success)
        return (0..<calls.count).map { outcomes.value[$0] ?? .internal }
    }
}
