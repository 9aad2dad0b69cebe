import CairnModel
import CairnProtocol
import CairnTestSupport
import Testing

/// Two sites with random stores reconcile over a network that drops and duplicates frames:
/// repeated rounds converge, every round ends within a bounded number of frames, agreeing rounds
/// are cheap, and nothing above the common levels is ever put on the wire.
@Suite("Sync simulation")
struct SyncSimulationTests {
    static let seeds: [UInt64] = Array(1...10) + [0xC0FFEE, 0x5EED_0005]
    /// Small batches and a small window, so that many frames are at risk and out-of-order
    /// delivery (pending deltas, late acks, forgotten batches) happens in every run.
    static let smallBatches = SyncLimits(maxDeltasPerBatch: 16, maxBatchBytes: 2_048, maxUnackedBatches: 2)

    @Test(arguments: seeds)
    func lossyRoundsConvergeAndTerminate(seed: UInt64) throws {
        var network = SimNetwork(
            sites: [
                SimSite(name: "A", commonLevels: SyncFixtures.allLevels, limits: Self.smallBatches),
                SimSite(name: "B", commonLevels: SyncFixtures.allLevels, limits: Self.smallBatches),
            ],
            random: SeededRandom(seed: seed), dropRate: 0.15, duplicateRate: 0.1)
        SimStores.populate(&network, streams: 60, maxLength: 40, levels: SyncFixtures.levels)
        let universe = network.sites.flatMap { $0.store.values.map(\.count) }.reduce(0, +)
        var rounds = 0
        while !network.converged {
            rounds += 1
            try #require(rounds <= 40, "seed \(seed): no convergence after 40 rounds")
            let trace = try network.round(initiator: Int(network.random.next() % 2))
            // Summary, answer and reply, each possibly duplicated; duplicates get no answer.
            #expect(trace.roundFrames <= 6, "seed \(seed)")
            // Every delta travels at most once per round (plus duplication), with an ack per batch.
            #expect(trace.frames <= 6 + 4 * universe, "seed \(seed)")
        }
        #expect(network.sites.allSatisfy { $0.pending.count == 0 }, "seed \(seed): deltas left pending")
        #expect(network.sites.allSatisfy { $0.equivocations.isEmpty && $0.forks.isEmpty && $0.refused == 0 })
        // Once converged, a lossless round agrees in two small frames, both ways.
        network.dropRate = 0
        network.duplicateRate = 0
        for initiator in 0..<2 {
            let trace = try network.round(initiator: initiator)
            #expect(trace.roundFrames == 2 && trace.frames == 2)
            #expect(trace.reports.count == 2 && trace.reports.allSatisfy { $0.inSync && $0.bytes < 1024 })
        }
        // And each side knows the other lacks nothing.
        for site in network.sites { #expect(site.session.lacking(local: site.vector).isEmpty) }
    }

    @Test func withoutLossOneRoundSuffices() throws {
        var network = SimNetwork(
            sites: [
                SimSite(name: "A", commonLevels: SyncFixtures.allLevels),
                SimSite(name: "B", commonLevels: SyncFixtures.allLevels),
            ],
            random: SeededRandom(seed: 77), dropRate: 0, duplicateRate: 0)
        SimStores.populate(&network, streams: 200, maxLength: 300, levels: SyncFixtures.levels, padding: 2_000)
        let trace = try network.round(initiator: 0)
        #expect(network.converged)
        #expect(trace.roundFrames == 3)
        #expect(trace.reports.count == 2 && trace.reports.allSatisfy { !$0.inSync })
        #expect(network.sites.allSatisfy { $0.outbox.isIdle && $0.pending.count == 0 })
    }

    @Test func secretStreamsNeverReachAConfidentialPeer() throws {
        var network = SimNetwork(
            sites: [
                SimSite(name: "A", commonLevels: SyncFixtures.belowSecret),
                SimSite(name: "B", commonLevels: SyncFixtures.belowSecret),
            ],
            random: SeededRandom(seed: 0x5EC2E7), dropRate: 0.05, duplicateRate: 0.05)
        SimStores.populate(&network, streams: 40, maxLength: 20, levels: Array(SyncFixtures.belowSecret).sorted())
        network.sites[1].store = network.sites[1].store.filter { _ in network.random.chance(0.5) }
        // A holds SECRET streams of authors that write nothing else.
        let secret = (1_000..<1_010).map { SyncFixtures.stream($0, "SECRET") }
        for stream in secret { network.sites[0].store[stream] = (1...5).map { SimDelta.make(stream, $0) } }
        // A daemon bug queues SECRET deltas anyway: the outbox drops them.
        network.sites[0].outbox.enqueue(
            secret.map { StreamRange(stream: $0, sequences: 1...5) }, peer: network.sites[0].session.peer)
        for stream in secret {
            let pushed = network.sites[0].outbox.push(stream: stream, sequence: 5, peer: network.sites[0].session.peer)
            #expect(!pushed)
        }
        var rounds = 0
        while !network.converged {
            rounds += 1
            try #require(rounds <= 40)
            _ = try network.round(initiator: rounds % 2)
        }
        // Agreeing rounds although A holds more: the SECRET streams are outside the digest.
        network.dropRate = 0
        network.duplicateRate = 0
        #expect(try network.round(initiator: 0).reports.allSatisfy(\.inSync))
        #expect(network.sites[1].store.keys.allSatisfy { $0.level != "SECRET" })
        for bytes in network.sent[0] {
            #expect(!bytes.containsBytes(Array("SECRET".utf8)))
            for stream in secret { #expect(!bytes.containsBytes(stream.author.bytes)) }
        }
        #expect(network.sites[0].outbox.counters.deltasSentByLevel["SECRET"] == nil)
    }
}
