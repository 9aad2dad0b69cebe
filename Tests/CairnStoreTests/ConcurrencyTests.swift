import Dispatch
import Testing

@testable import CairnStore

@Suite("Concurrent use")
struct ConcurrencyTests {
    /// Writers on several threads, each extending its own stream, while readers walk the store:
    /// every commit lands, heads end where they should, and no reader sees a torn batch.
    @Test func threadsShareOneDatabase() throws {
        try withDatabasePath { path in
            let database = try CairnDatabase(path: path)
            let writers = 4
            let batches = 15
            let perBatch: UInt64 = 4
            DispatchQueue.concurrentPerform(iterations: writers * 2) { index in
                if index < writers {
                    let author = Fixture.bytes32(100 + index, tag: 0xC0)
                    for batch in 0..<UInt64(batches) {
                        let first = batch * perBatch + 1
                        let deltas = Fixture.stream(author: author, first...(first + perBatch - 1))
                        #expect(throws: Never.self) { try database.commit(WriteBatch(deltas: deltas)) }
                    }
                } else {
                    for _ in 0..<batches {
                        #expect(throws: Never.self) {
                            // Batches are atomic, so every stream head is a multiple of the batch size.
                            for head in try database.streamHeads() {
                                #expect(head.sequence % perBatch == 0)
                            }
                            _ = try database.deltaCount()
                        }
                    }
                }
            }
            let heads = try database.streamHeads()
            #expect(heads.count == writers)
            #expect(heads.allSatisfy { $0.sequence == UInt64(batches) * perBatch })
            #expect(try database.deltaCount() == writers * batches * Int(perBatch))
            try database.close()
        }
    }
}
