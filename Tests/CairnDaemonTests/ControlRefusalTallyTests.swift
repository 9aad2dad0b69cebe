import Testing

@testable import CairnDaemon

/// Refusals are reported once per key and window, and counted otherwise.
@Suite struct ControlRefusalTallyTests {
    @Test func theFirstOfAWindowIsReportedAndTheRestCounted() {
        let tally = ControlRefusalTally()
        let key = ControlRefusalTally.Key(kind: "control.connection_refused", uid: 65534, reason: "too_many_for_uid")
        #expect(tally.record(key))
        for _ in 0..<9_999 { #expect(!tally.record(key)) }
        #expect(tally.record(.init(kind: key.kind, uid: 1000, reason: key.reason)))
        let counts = tally.endWindow()
        #expect(counts.count == 1)
        #expect(counts.first?.key == key && counts.first?.count == 9_999)
        // A new window reports again.
        #expect(tally.record(key))
        #expect(tally.endWindow().isEmpty)
    }

    @Test func manyUIDsAreFoldedIntoOneKey() {
        let tally = ControlRefusalTally(capacity: 8)
        var reported = 0
        for uid in UInt32(0)..<1_000 where tally.record(.init(kind: "k", uid: uid, reason: "r")) { reported += 1 }
        #expect(reported == 9)
        let counts = tally.endWindow()
        #expect(counts.count == 1)
        #expect(counts.first?.key.actor == "uid:*" && counts.first?.count == 1_000 - 9)
    }
}
