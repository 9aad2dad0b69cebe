import CairnModel
import Testing

@Suite("Hybrid logical clock")
struct HybridLogicalClockTests {
    @Test("readings strictly increase while the physical clock stands still or goes backwards")
    func monotonicAcrossBackwardsClock() {
        var clock = HybridLogicalClock(clock: FixedWallClock(millis: 1_000))
        var readings = [clock.now(), clock.now()]
        clock = HybridLogicalClock(clock: FixedWallClock(millis: 400), last: clock.last)
        readings += [clock.now(), clock.now()]
        clock = HybridLogicalClock(clock: FixedWallClock(millis: 2_000), last: clock.last)
        readings.append(clock.now())
        #expect(readings == [
            Fixture.hlc(1_000, 0), Fixture.hlc(1_000, 1), Fixture.hlc(1_000, 2), Fixture.hlc(1_000, 3),
            Fixture.hlc(2_000, 0),
        ])
        #expect(zip(readings, readings.dropFirst()).allSatisfy { $0 < $1 })
    }

    @Test("the counter overflowing moves the wall part forward")
    func counterOverflow() {
        var clock = HybridLogicalClock(clock: FixedWallClock(millis: 5), last: Fixture.hlc(10, .max))
        #expect(clock.now() == Fixture.hlc(11, 0))
        #expect(clock.now() == Fixture.hlc(11, 1))
    }

    @Test("after observing a remote reading, the next reading is newer")
    func observeRemote() throws {
        var clock = HybridLogicalClock(clock: FixedWallClock(millis: 1_000))
        _ = clock.now()
        try clock.observe(Fixture.hlc(1_200, 7))
        #expect(clock.last == Fixture.hlc(1_200, 7))
        #expect(clock.now() == Fixture.hlc(1_200, 8))
        // An older remote reading changes nothing.
        try clock.observe(Fixture.hlc(900, 0))
        #expect(clock.now() == Fixture.hlc(1_200, 9))
    }

    @Test("a remote reading beyond the allowed drift is refused and not folded in")
    func driftRefused() throws {
        var clock = HybridLogicalClock(clock: FixedWallClock(millis: 1_000), maxDriftMillis: 500)
        try clock.observe(Fixture.hlc(1_500, 3))  // exactly at the limit: accepted
        let remote = Fixture.hlc(1_501, 0)
        #expect(throws: ModelError.clockSkew(remote: remote, physicalMillis: 1_000, maxDriftMillis: 500)) {
            try clock.observe(remote)
        }
        #expect(clock.last == Fixture.hlc(1_500, 3))
    }

    @Test("the default drift is five minutes")
    func defaultDrift() throws {
        var clock = HybridLogicalClock(clock: FixedWallClock(millis: 0))
        #expect(clock.maxDriftMillis == 300_000)
        try clock.observe(Fixture.hlc(300_000))
        #expect(throws: ModelError.self) { try clock.observe(Fixture.hlc(300_001)) }
    }

    @Test("the system clock reads a plausible time")
    func systemClock() {
        let millis = SystemWallClock().nowMillis()
        #expect(millis > 1_700_000_000_000)  // after November 2023
        #expect(millis < 4_102_444_800_000)  // before 2100
    }

    @Test("timestamps order by wall time, then counter")
    func ordering() {
        #expect(Fixture.hlc(1, 9) < Fixture.hlc(2, 0))
        #expect(Fixture.hlc(2, 0) < Fixture.hlc(2, 1))
        #expect(HLCTimestamp.zero < Fixture.hlc(0, 1))
        #expect(Fixture.hlc(12, 3).description == "12.3")
    }
}
