import CairnModel
import CairnTestSupport
import Testing

@Suite("Stream chains and version vectors")
struct StreamTests {
    let one: [UInt8] = Array(repeating: 1, count: 32)
    let two: [UInt8] = Array(repeating: 2, count: 32)

    @Test("chain check decides extends, duplicate, gap and fork")
    func chainCheckCases() {
        #expect(ChainCheck.check(head: nil, sequence: 1, previous: []) == .extends)
        #expect(ChainCheck.check(head: nil, sequence: 1, previous: one) == .forked)
        #expect(ChainCheck.check(head: nil, sequence: 0, previous: []) == .forked)
        #expect(ChainCheck.check(head: nil, sequence: 4, previous: one) == .gap(1...3))
        let head = StreamHead(sequence: 5, deltaID: one)
        #expect(ChainCheck.check(head: head, sequence: 6, previous: one) == .extends)
        #expect(ChainCheck.check(head: head, sequence: 6, previous: two) == .forked)
        #expect(ChainCheck.check(head: head, sequence: 6, previous: []) == .forked)
        #expect(ChainCheck.check(head: head, sequence: 5, previous: two) == .duplicate)
        #expect(ChainCheck.check(head: head, sequence: 1, previous: []) == .duplicate)
        #expect(ChainCheck.check(head: head, sequence: 7, previous: two) == .gap(6...6))
        #expect(ChainCheck.check(head: StreamHead(sequence: .max, deltaID: one), sequence: .max, previous: one) == .duplicate)
    }

    @Test("a stream delivered in any order, with forgeries, is rebuilt whole and every forgery is caught")
    func chainReassembly() {
        for index in 0..<UInt64(200) {
            let seed = 0xC4A1_0000 + index
            var rng = SeededRandom(seed: seed)
            let length = Int.random(in: 1...12, using: &rng)
            let ids = (0..<length).map { _ in rng.bytes(32) }
            var links: [Link] = []
            for position in 0..<length {
                links.append(Link(sequence: UInt64(position + 1), id: ids[position], previous: position == 0 ? [] : ids[position - 1]))
            }
            var forged: [Link] = []
            for position in 0..<length where rng.chance(0.3) {
                // Links to nothing real.
                forged.append(Link(sequence: UInt64(position + 1), id: rng.bytes(32), previous: rng.bytes(32)))
            }
            var arrivals = (links + links.prefix(2) + forged).shuffled(using: &rng)
            var head: StreamHead?
            var pending: [Link] = []
            var accepted: [UInt64: [UInt8]] = [:]
            var caught = 0
            while let link = arrivals.popLast() {
                switch ChainCheck.check(head: head, sequence: link.sequence, previous: link.previous) {
                case .extends:
                    head = StreamHead(sequence: link.sequence, deltaID: link.id)
                    accepted[link.sequence] = link.id
                    arrivals += pending
                    pending = []
                case .duplicate:
                    // Another delta at a held position is equivocation.
                    if accepted[link.sequence] != link.id { caught += 1 }
                case .gap(let missing):
                    let held = head?.sequence ?? 0
                    #expect(missing == (held + 1)...(link.sequence - 1), "seed \(seed)")
                    pending.append(link)
                case .forked:
                    caught += 1
                }
            }
            #expect(head == StreamHead(sequence: UInt64(length), deltaID: ids[length - 1]), "seed \(seed)")
            #expect(caught == forged.count, "seed \(seed)")
        }
    }

    /// One delta as the chain sees it.
    struct Link {
        var sequence: UInt64
        var id: [UInt8]
        var previous: [UInt8]
    }

    static func randomVector(_ rng: inout SeededRandom, streams: [StreamID]) -> VersionVector {
        var vector = VersionVector()
        for stream in streams { vector[stream] = UInt64.random(in: 0...4, using: &rng) }
        return vector
    }

    @Test("version vectors merge as a join and report exactly the missing ranges")
    func versionVectorLaws() {
        let streams = [Fixture.alice, Fixture.bob, Fixture.carol].flatMap { author in
            ["RESTRICTED", "SECRET"].map { StreamID(author: author, level: $0) }
        }
        let seed: UInt64 = 0x7EC7
        var rng = SeededRandom(seed: seed)
        for round in 0..<500 {
            let a = Self.randomVector(&rng, streams: streams)
            let b = Self.randomVector(&rng, streams: streams)
            let c = Self.randomVector(&rng, streams: streams)
            var ab = a
            ab.merge(b)
            var ba = b
            ba.merge(a)
            var abc = ab
            abc.merge(c)
            var bc = b
            bc.merge(c)
            var aBC = a
            aBC.merge(bc)
            var aa = a
            aa.merge(a)
            #expect(ab == ba && abc == aBC && aa == a, "seed \(seed) round \(round)")
            #expect(ab.dominates(a) && ab.dominates(b), "seed \(seed) round \(round)")
            let missing = a.missing(comparedTo: b)
            #expect(a.dominates(b) == missing.isEmpty, "seed \(seed) round \(round)")
            var filled = a
            for (stream, range) in missing {
                #expect(range.lowerBound == a[stream] + 1 && range.upperBound == b[stream], "seed \(seed) round \(round)")
                filled[stream] = range.upperBound
            }
            #expect(filled == ab, "seed \(seed) round \(round)")
            let restricted = a.filtered(levels: ["RESTRICTED"])
            #expect(restricted.heads.keys.allSatisfy { $0.level == "RESTRICTED" }, "seed \(seed) round \(round)")
            #expect(a.dominates(restricted), "seed \(seed) round \(round)")
            #expect(a.filtered(levels: ["RESTRICTED", "SECRET"]) == a, "seed \(seed) round \(round)")
        }
    }

    @Test("zero entries are not stored, so equal content gives equal vectors")
    func zeroEntries() {
        let stream = StreamID(author: Fixture.alice, level: "SECRET")
        var vector = VersionVector([stream: 0])
        #expect(vector == VersionVector())
        vector[stream] = 3
        #expect(vector.heads == [stream: 3])
        vector[stream] = 0
        #expect(vector.heads.isEmpty)
        #expect(stream.description == "01010101/SECRET")
        #expect(StreamID(author: Fixture.alice, level: "Z") < StreamID(author: Fixture.bob, level: "A"))
    }
}
