import GRDB
import Testing

@testable import CairnStore

/// The store's side of the anchored audit log: entries must chain to the stored head (a typed
/// error says where the log really ends), only a chain break entry may skip sequence numbers,
/// break entries are found without reading the log, and a peer's witnessed head never moves back.
@Suite struct AuditBreakStoreTests {
    private static let zero = [UInt8](repeating: 0, count: 32)

    private func row(_ seq: Int64, previous: [UInt8], kind: String = "k") -> AuditRow {
        AuditRow(seq: seq, at: 1, kind: kind, actor: "a", detail: "{}", previous: previous, hash: [UInt8](repeating: UInt8(seq % 251), count: 32))
    }

    private func log(_ count: Int64) throws -> CairnDatabase {
        let database = try CairnDatabase.inMemory()
        var previous = Self.zero
        var rows: [AuditRow] = []
        for seq in 1...count {
            rows.append(row(seq, previous: previous))
            previous = rows.last!.hash
        }
        try database.appendAudit(rows)
        return database
    }

    @Test func entriesThatDoNotChainToTheStoredHeadSayWhereTheLogEnds() throws {
        let database = try log(3)
        let head = try #require(try database.auditHead())
        // Written as if the log still reached entry 5.
        let error = #expect(throws: StoreError.self) {
            try database.appendAudit([row(6, previous: [UInt8](repeating: 5, count: 32))])
        }
        #expect(error == .auditChainMoved(expectedSeq: 5, foundSeq: 3, foundHash: head.hash))
        let empty = try CairnDatabase.inMemory()
        let fromEmpty = #expect(throws: StoreError.self) { try empty.appendAudit([row(2, previous: [UInt8](repeating: 1, count: 32))]) }
        #expect(fromEmpty == .auditChainMoved(expectedSeq: 1, foundSeq: 0, foundHash: []))
        #expect(try database.auditHead()?.seq == 3)
    }

    @Test func onlyAChainBreakEntryMaySkipSequenceNumbers() throws {
        let database = try log(3)
        let head = try #require(try database.auditHead())
        #expect(throws: StoreError.self) { try database.appendAudit([row(9, previous: head.hash)]) }
        try database.appendAudit([row(9, previous: head.hash, kind: AuditRow.chainBreakKind)])
        // Inside a batch too, and the entry after a break continues from it.
        let database2 = try log(3)
        try database2.appendAudit([
            row(4, previous: head.hash), row(20, previous: row(4, previous: head.hash).hash, kind: AuditRow.chainBreakKind),
            row(21, previous: row(20, previous: []).hash),
        ])
        #expect(try database2.auditEntries().map(\.seq) == [1, 2, 3, 4, 20, 21])
        #expect(throws: StoreError.self) { try database2.appendAudit([row(23, previous: row(21, previous: []).hash)]) }
        // A break entry must still chain to the entry before it.
        #expect(throws: StoreError.self) { try database2.appendAudit([row(30, previous: Self.zero, kind: AuditRow.chainBreakKind)]) }
    }

    @Test func breakEntriesAreFoundThroughTheirPartialIndex() throws {
        let database = try log(5)
        let head = try #require(try database.auditHead())
        try database.appendAudit([
            row(9, previous: head.hash, kind: AuditRow.chainBreakKind),
            row(10, previous: row(9, previous: []).hash, kind: AuditRow.acknowledgementKind),
            row(11, previous: row(10, previous: []).hash),
        ])
        #expect(try database.auditBreakEntries().map(\.seq) == [9, 10])
        #expect(try database.auditEntry(seq: 9)?.kind == AuditRow.chainBreakKind)
        #expect(try database.auditEntry(seq: 7) == nil)
        let plan = try database.read("plan") { db in
            try Row.fetchAll(
                db,
                sql: """
                    EXPLAIN QUERY PLAN SELECT seq, at, kind, actor, detail, previous, hash FROM audit
                    WHERE kind IN ('audit.chain_break', 'audit.break_acknowledged') ORDER BY seq
                    """
            ).map { $0["detail"] as String? ?? "" }
        }
        #expect(plan.contains { $0.contains("audit_breaks") }, "\(plan)")
    }

    @Test func aWitnessedHeadNeverMovesBack() throws {
        let database = try CairnDatabase.inMemory()
        let device = [UInt8](repeating: 9, count: 32)
        func head(_ seq: Int64) -> AuditWitnessRow {
            AuditWitnessRow(device: device, seq: seq, hash: [UInt8](repeating: UInt8(seq), count: 32), signedAt: 1, signature: [UInt8](repeating: 1, count: 64), receivedAt: 2)
        }
        try database.keepWitnessedAuditHeads([head(10)])
        try database.keepWitnessedAuditHeads([head(7)])
        #expect(try database.witnessedAuditHeads().map(\.seq) == [10])
        try database.keepWitnessedAuditHeads([head(12)])
        #expect(try database.witnessedAuditHeads() == [head(12)])
        var bad = head(13)
        bad.signature = [1]
        #expect(throws: StoreError.self) { try database.keepWitnessedAuditHeads([bad]) }
        #expect(try database.witnessedAuditHeads().map(\.seq) == [12])
    }
}
