import Testing

@testable import ThinLink

/// The link model: serialisation at the rate, FIFO, then a constant delay.
@Suite struct LinkShaperTests {
    /// 64 kbit/s = 8,000 bytes/s; 300 ms one way.
    func satellite(burst: Int = 0) -> LinkShaper {
        LinkShaper(bitsPerSecond: 64_000, delaySeconds: 0.3, burstBytes: burst, packetBytes: 1000)
    }

    /// The link with its default packets: 8,000 bytes take one second to put on the air,
    /// then arrive 300 ms later, and the delay is added once.
    @Test func a64KbitLinkCarries8000BytesInOneSecondPlusTheDelay() {
        var link = LinkShaper(bitsPerSecond: 64_000, delaySeconds: 0.3)
        let packets = link.schedule(8000, at: 2)
        #expect(packets.map(\.bytes) == [1448, 1448, 1448, 1448, 1448, 760])
        #expect(abs(packets.last!.deliverAt - (2 + 1.0 + 0.3)) < 1e-9)
        #expect(abs(packets.first!.deliverAt - (2 + 1448.0 / 8000 + 0.3)) < 1e-9)
        // One byte on the idle link afterwards: its own 125 µs, one delay (not two).
        let byte = link.schedule(1, at: 10)
        #expect(abs(byte[0].deliverAt - (10 + 1.0 / 8000 + 0.3)) < 1e-9)
    }

    @Test func aChunkIsSerialisedPacketByPacketThenDelayed() {
        var link = satellite()
        let packets = link.schedule(8000, at: 10)
        #expect(packets.map(\.bytes) == Array(repeating: 1000, count: 8))
        // Packet k's last byte leaves after (k + 1) × 1000 bytes at 8,000 B/s, then 300 ms.
        for (k, packet) in packets.enumerated() {
            #expect(abs(packet.deliverAt - (10 + Double(k + 1) * 0.125 + 0.3)) < 1e-9)
        }
    }

    @Test func aPartialLastPacketCarriesTheRest() {
        var link = satellite()
        let packets = link.schedule(2500, at: 0)
        #expect(packets.map(\.bytes) == [1000, 1000, 500])
        #expect(abs(packets[2].deliverAt - (2500.0 / 8000 + 0.3)) < 1e-9)
    }

    @Test func anIdleLinkStartsEachChunkAfresh() {
        var link = satellite()
        _ = link.schedule(800, at: 0)  // serialised by 0.1
        let later = link.schedule(800, at: 5)
        #expect(abs(later[0].deliverAt - (5 + 0.1 + 0.3)) < 1e-9)
    }

    @Test func aChunkArrivingDuringABacklogWaitsForIt() {
        var link = satellite()
        _ = link.schedule(4000, at: 0)  // on the air until 0.5
        let queued = link.schedule(800, at: 0.2)
        #expect(abs(queued[0].deliverAt - (0.5 + 0.1 + 0.3)) < 1e-9)
    }

    @Test func deliveriesNeverGoBackwards() {
        var link = satellite(burst: 3000)
        var generator = SplitMix(seed: 7)
        var now = 0.0
        var previous = -1.0
        for _ in 0..<2000 {
            now += Double(generator.next() % 400) / 1000
            for packet in link.schedule(Int(generator.next() % 5000) + 1, at: now) {
                #expect(packet.deliverAt >= previous)
                #expect(packet.deliverAt >= now + 0.3)
                previous = packet.deliverAt
            }
        }
    }

    @Test func aLongBacklogDrainsAtExactlyTheRate() {
        var link = satellite()
        var total = 0
        var last = 0.0
        for step in 0..<100 {
            let packets = link.schedule(3000, at: Double(step) * 0.01)  // far faster than the link
            total += 3000
            last = packets.last!.deliverAt
        }
        #expect(abs((last - 0.3) - Double(total) / 8000) < 1e-9)
    }

    @Test func aBurstLetsThatManyBytesPassAfterIdleThenTheRateRules() {
        var link = satellite(burst: 2000)
        let first = link.schedule(3000, at: 100)
        // 2,000 bytes of credit: two packets leave at once, the third after its 1,000 bytes.
        #expect(abs(first[0].deliverAt - 100.3) < 1e-9)
        #expect(abs(first[1].deliverAt - 100.3) < 1e-9)
        #expect(abs(first[2].deliverAt - (100.125 + 0.3)) < 1e-9)
        // Credit accrues at the rate and never beyond the burst: after a minute, still 2,000.
        let again = link.schedule(3000, at: 160)
        #expect(abs(again[1].deliverAt - 160.3) < 1e-9)
        #expect(abs(again[2].deliverAt - 160.425) < 1e-9)
    }

    @Test func aFinFollowsTheBytesBeforeIt() {
        var link = satellite()
        let packets = link.schedule(1600, at: 0)
        let fin = link.deliveryOfMarker(at: 0.05)
        #expect(fin >= packets.last!.deliverAt)
        #expect(abs(fin - (0.2 + 0.3)) < 1e-9)
        // On an idle link a FIN takes the delay alone.
        #expect(abs(link.deliveryOfMarker(at: 9) - 9.3) < 1e-9)
    }

    @Test func aClockReadBeforeTheLastCallCountsAsThatCall() {
        var link = satellite()
        _ = link.schedule(800, at: 1)
        // A thread that read the clock at 0.9 but took the lock second.
        let late = link.schedule(800, at: 0.9)
        #expect(abs(late[0].deliverAt - (1 + 0.2 + 0.3)) < 1e-9)
    }
}

/// A small deterministic generator for the property test.
struct SplitMix {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
