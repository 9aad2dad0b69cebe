import Testing

@testable import CairnDaemon

/// The listener's admission gate as a state machine: per-source caps, which connection loses
/// its slot when the gate is full, configured peers' precedence, and slots released once.
@Suite struct AdmissionGateTests {
    typealias Ticket = AdmissionGate.Ticket

    private func admit(_ gate: inout AdmissionGate, _ source: String, _ standing: AdmissionGate.Standing = .stranger)
        -> (Ticket, evicted: Ticket?)?
    {
        guard case .admitted(let ticket, let evicted) = gate.enter(source: source, standing: standing) else { return nil }
        return (ticket, evicted)
    }

    @Test func aSourceAtItsCapCrowdsOutOnlyItsOwnOldest() throws {
        var gate = AdmissionGate(limits: .init(total: 100, perSource: 3, reservedForPeers: 0))
        let other = try #require(admit(&gate, "10.0.0.2")).0
        let first = try #require(admit(&gate, "10.0.0.9")).0
        let second = try #require(admit(&gate, "10.0.0.9")).0
        _ = try #require(admit(&gate, "10.0.0.9"))
        // The fourth from the same source takes the place of the first, then of the second.
        let fourth = try #require(admit(&gate, "10.0.0.9"))
        #expect(fourth.evicted == first)
        #expect(try #require(admit(&gate, "10.0.0.9")).evicted == second)
        #expect(gate.count(of: "10.0.0.9") == 3)
        #expect(gate.holds(other), "another source lost its slot to a source at its cap")
        #expect(gate.count == 4)
    }

    @Test func aFullGateEvictsTheOldestOfTheSourceHoldingMostSlots() throws {
        var gate = AdmissionGate(limits: .init(total: 6, perSource: 6, reservedForPeers: 0))
        let honest = try #require(admit(&gate, "10.0.0.1")).0
        var flood: [Ticket] = []
        for _ in 0..<4 { flood.append(try #require(admit(&gate, "10.0.0.9")).0) }
        let small = try #require(admit(&gate, "10.0.0.2")).0
        #expect(gate.count == 6)
        // A newcomer from a third source: the flood (4 slots) loses its oldest, not the honest
        // peer's older connection.
        let newcomer = try #require(admit(&gate, "10.0.0.3"))
        #expect(newcomer.evicted == flood[0])
        // Newcomers of the flood itself only replace the flood's own connections.
        for index in 1..<4 {
            #expect(try #require(admit(&gate, "10.0.0.9")).evicted == flood[index])
        }
        #expect(gate.holds(honest) && gate.holds(small) && gate.holds(newcomer.0))
        #expect(gate.count == 6)
    }

    @Test func tiesGoToTheOldestConnection() throws {
        var gate = AdmissionGate(limits: .init(total: 3, perSource: 3, reservedForPeers: 0))
        let a = try #require(admit(&gate, "10.0.0.1")).0
        let b = try #require(admit(&gate, "10.0.0.2")).0
        let c = try #require(admit(&gate, "10.0.0.3")).0
        // One slot each: a fourth source takes the place of the oldest connection.
        #expect(try #require(admit(&gate, "10.0.0.4")).evicted == a)
        // Source 2 now counts 2 with its newcomer, more than anyone: its own oldest goes.
        #expect(try #require(admit(&gate, "10.0.0.2")).evicted == b)
        #expect(gate.holds(c))
    }

    @Test func strangersCannotTakeThePeersReserveNorAPeersPlace() throws {
        var gate = AdmissionGate(limits: .init(total: 4, perSource: 4, reservedForPeers: 2))
        let peer = try #require(admit(&gate, "10.0.0.1", .peer)).0
        let s1 = try #require(admit(&gate, "10.0.0.9")).0
        let s2 = try #require(admit(&gate, "10.0.0.8")).0
        // Strangers hold their 2 slots; a third stranger displaces a stranger, never the peer,
        // although a slot is still free (it is reserved).
        let s3 = try #require(admit(&gate, "10.0.0.7"))
        #expect(s3.evicted == s1)
        #expect(gate.count == 3 && gate.holds(peer))
        // A peer takes the free reserved slot, then a stranger's place when the gate is full.
        let peer2 = try #require(admit(&gate, "10.0.0.5", .peer))
        #expect(peer2.evicted == nil && gate.count == 4)
        let peer3 = try #require(admit(&gate, "10.0.0.6", .peer))
        #expect(peer3.evicted == s2)
        let peer4 = try #require(admit(&gate, "10.0.0.4", .peer))
        #expect(peer4.evicted == s3.0)
        // Only peers hold slots now: a stranger is refused, whoever is oldest.
        #expect(gate.enter(source: "10.0.0.9", standing: .stranger) == .refused)
        #expect(gate.holds(peer) && gate.holds(peer2.0) && gate.holds(peer3.0) && gate.holds(peer4.0))
        // Among peers alone, fairness applies as among strangers.
        #expect(try #require(admit(&gate, "10.0.0.1", .peer)).evicted == peer)
    }

    @Test func aReserveAsLargeAsTheGateRefusesEveryStranger() {
        var gate = AdmissionGate(limits: .init(total: 2, perSource: 2, reservedForPeers: 2))
        #expect(gate.enter(source: "10.0.0.9", standing: .stranger) == .refused)
        #expect(gate.count == 0)
    }

    @Test func aSlotIsReleasedExactlyOnce() throws {
        var gate = AdmissionGate(limits: .init(total: 2, perSource: 1, reservedForPeers: 0))
        let first = try #require(admit(&gate, "10.0.0.1")).0
        let released = gate.release(first)
        let again = gate.release(first)
        #expect(released)
        #expect(!again, "a slot was released twice")
        #expect(gate.count == 0)
        // An evicted slot is gone: its later release (when its channel closes) frees nothing
        // that another connection holds.
        let a = try #require(admit(&gate, "10.0.0.1")).0
        let b = try #require(admit(&gate, "10.0.0.1"))
        #expect(b.evicted == a)
        let c = try #require(admit(&gate, "10.0.0.2")).0
        let releasedEvicted = gate.release(a)
        #expect(!releasedEvicted)
        #expect(gate.count == 2 && gate.holds(b.0) && gate.holds(c))
        #expect(gate.count(of: "10.0.0.1") == 1)
    }

    @Test func manyRandomOperationsKeepTheBounds() {
        var gate = AdmissionGate(limits: .init(total: 16, perSource: 3, reservedForPeers: 4))
        var generator = SplitMix(seed: 42)
        var held: [Ticket] = []
        for _ in 0..<20_000 {
            let source = "10.0.0.\(generator.next() % 12)"
            let standing: AdmissionGate.Standing = generator.next() % 4 == 0 ? .peer : .stranger
            if generator.next() % 3 == 0, !held.isEmpty {
                let ticket = held.remove(at: Int(generator.next() % UInt64(held.count)))
                _ = gate.release(ticket)
            } else if case .admitted(let ticket, let evicted) = gate.enter(source: source, standing: standing) {
                held.append(ticket)
                if let evicted { held.removeAll { $0 == evicted } }
            }
            #expect(gate.count <= 16)
            #expect(gate.count == held.count)
            #expect(held.allSatisfy { gate.holds($0) })
            for n in 0..<12 { #expect(gate.count(of: "10.0.0.\(n)") <= 3) }
        }
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
