import CairnModel
import CairnTestSupport
import Testing

@Suite("Causal context laws")
struct CausalContextPropertyTests {
    static func randomContext(_ rng: inout SeededRandom) -> CausalContext {
        var context = CausalContext()
        for author in 1...4 where rng.chance(0.6) {
            let stamp = Fixture.stamp(UInt64.random(in: 0...5, using: &rng), UInt8(author),
                                      counter: UInt32.random(in: 0...2, using: &rng))
            context.include(stamp)
        }
        return context
    }

    @Test("join is commutative, associative and idempotent, and only grows what is covered")
    func joinLaws() {
        let seed: UInt64 = 0xC0DE
        var rng = SeededRandom(seed: seed)
        for round in 0..<1_000 {
            let a = Self.randomContext(&rng)
            let b = Self.randomContext(&rng)
            let c = Self.randomContext(&rng)
            #expect(a.joined(b) == b.joined(a), "seed \(seed) round \(round)")
            #expect(a.joined(b).joined(c) == a.joined(b.joined(c)), "seed \(seed) round \(round)")
            #expect(a.joined(a) == a, "seed \(seed) round \(round)")
            let probe = Fixture.stamp(UInt64.random(in: 0...5, using: &rng), UInt8.random(in: 1...4, using: &rng))
            #expect(a.joined(b).covers(probe) == (a.covers(probe) || b.covers(probe)), "seed \(seed) round \(round)")
        }
    }

    @Test("a context covers exactly the author's writes up to its reading")
    func coversDefinition() {
        var context = CausalContext()
        #expect(!context.covers(Fixture.stamp(0, 1)))
        context.include(Fixture.stamp(5, 1, counter: 2))
        #expect(context.covers(Fixture.stamp(5, 1, counter: 2)))
        #expect(context.covers(Fixture.stamp(4, 1, counter: 9)))
        #expect(!context.covers(Fixture.stamp(5, 1, counter: 3)))
        #expect(!context.covers(Fixture.stamp(1, 2)))
        context.include(Fixture.stamp(1, 1))  // older: no effect
        #expect(context.entries == [Fixture.alice: Fixture.hlc(5, 2)])
    }
}
