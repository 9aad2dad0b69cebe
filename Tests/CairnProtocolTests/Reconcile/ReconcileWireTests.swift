import CairnProtocol
import CairnTestSupport
import Testing

/// Messages encode compactly and decode back to themselves; bounds are the shortest prefixes.
@Suite struct ReconcileWireTests {
    @Test func everyMessageOfARunSurvivesEncodeAndDecode() throws {
        let (local, remote) = try ReconcileFixtures.pair(shared: 800, onlyLocal: 30, onlyRemote: 40, changed: 20, seed: 21)
        let run = try ReconcileRun.run(local, remote)
        #expect(run.messages.count >= 4)
        for bytes in run.messages {
            let message = try ReconcileMessage.decode(bytes, limits: .default)
            #expect(message.encode() == bytes)
        }
    }

    /// Split bounds are the shortest prefix that separates two neighbours: for random keys of
    /// a set of 1,000 that is one or two bytes, so a fingerprint range costs about 24 bytes.
    @Test func boundsAreShortPrefixes() throws {
        let (local, remote) = try ReconcileFixtures.pair(shared: 1_000, changed: 1, seed: 22)
        let run = try ReconcileRun.run(local, remote)
        let split = try ReconcileMessage.decode(run.messages[1], limits: .default)
        #expect(split.ranges.count == 16)
        for range in split.ranges {
            guard case .key(let prefix) = range.upper else { continue }
            #expect((1...3).contains(prefix.count))
            #expect(prefix.last != 0)
        }
        #expect(run.messages[1].count < 16 * 27)
    }

    @Test func boundsOrderAsTheKeysTheyStandFor() {
        #expect(ReconcileBound.zero < .key([1]))
        #expect(ReconcileBound.key([1]) < .key([1, 1]))
        #expect(ReconcileBound.key([1, 255]) < .key([2]))
        #expect(ReconcileBound.key(Array(repeating: 255, count: 32)) < .infinity)
    }
}
