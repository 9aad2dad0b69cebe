import CairnControl
import CairnTestSupport
import Dispatch
import Foundation
import Testing

@testable import CairnDaemon

/// Concurrent writes share commit groups without losing, reordering or mixing anything up.
@Suite struct LedgerGroupTests {
    @Test func concurrentWritesToOneRecordAreAllKept() throws {
        try SiteFixture.withAlphaSite { site in
            _ = try site.records.put(PutRecordRequest(id: "shared", type: "incident", classification: "SECRET"))
            let writers = 16
            let failures = Mutexed<[String]>([])
            concurrently(writers) { writer in
                do {
                    _ = try site.records.put(PutRecordRequest(id: "shared", fields: ["f\(writer)": .int(Int64(writer))]))
                } catch {
                    failures.update { $0.append("\(writer): \(error)") }
                }
            }
            #expect(failures.value.isEmpty)
            let record = try site.records.document(id: "shared")
            #expect(record.fields.count == writers, "a concurrent write was lost")
            for writer in 0..<writers { #expect(record.fields["f\(writer)"] == .int(Int64(writer))) }
            let history = try site.records.historyEntries(id: "shared")
            #expect(history.count == writers + 1)
            // The stream's sequence numbers are contiguous in commit order.
            let sequences = history.map(\.sequence)
            #expect(sequences == Array(sequences.first!..<(sequences.first! + UInt64(writers) + 1)))
        }
    }

    @Test func aRefusedWriteFailsAloneInItsGroup() throws {
        try SiteFixture.withAlphaSite { site in
            let results = Mutexed<[Int: Bool]>([:])
            concurrently(24) { n in
                // Every third write names a level that does not exist.
                let level = n % 3 == 0 ? "COSMIC" : "CONFIDENTIAL"
                let ok = (try? site.records.put(PutRecordRequest(id: "r\(n)", type: "note", classification: level))) != nil
                results.update { $0[n] = ok }
            }
            for (n, ok) in results.value { #expect(ok == (n % 3 != 0), "write \(n)") }
            #expect(try site.records.listDocuments(level: nil, type: nil, tag: nil, deleted: .include).count == 16)
            let status = try site.status.statusDocument()
            #expect(status.levels.first { $0.name == "CONFIDENTIAL" }?.deltas == 17)  // 16 writes + the epoch grant
        }
    }

    @Test func deletionsInAGroupAreCounted() throws {
        try SiteFixture.withAlphaSite { site in
            for n in 0..<8 { _ = try site.records.put(PutRecordRequest(id: "d\(n)", type: "note", classification: "SECRET")) }
            _ = try site.status.statusDocument()  // take the count before deleting
            concurrently(8) { n in _ = try? site.records.delete(id: "d\(n)") }
            let secret = try #require(try site.status.statusDocument().levels.first { $0.name == "SECRET" })
            #expect(secret.deletedRecords == 8)
            #expect(secret.records == 0)
        }
    }
}

/// A value shared between threads in a test.
final class Mutexed<Value>: @unchecked Sendable {
    private let lock = NSLock()
    private var stored: Value
    init(_ value: Value) { stored = value }
    var value: Value { lock.withLock { stored } }
    func update(_ body: (inout Value) -> Void) { lock.withLock { body(&stored) } }
}

/// Runs `body` on `count` threads at once (concurrentPerform would cap them at the core count,
/// and commit groups only form when writers really overlap).
func concurrently(_ count: Int, _ body: @escaping @Sendable (Int) -> Void) {
    let done = DispatchGroup()
    for index in 0..<count {
        done.enter()
        Thread.detachNewThread {
            body(index)
            done.leave()
        }
    }
    done.wait()
}
