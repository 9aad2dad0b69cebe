import NIOCore
import Testing

@testable import CairnDaemon

/// The deadlines of a control connection, without a channel.
@Suite struct ControlConnectionStateMachineTests {
    typealias Machine = ControlConnectionStateMachine
    static let start = NIODeadline.uptimeNanoseconds(1_000_000_000)
    static let timing = Machine.Timing(ControlLimits())

    static func identified() -> Machine {
        var machine = Machine(timing: timing)
        #expect(machine.identified(now: start) == .arm(start + .seconds(10)))
        return machine
    }

    @Test func aHeadThatNeverCompletesIsCutWith408() {
        var machine = Self.identified()
        #expect(machine.bytesReceived(now: Self.start + .seconds(1)) == .none)
        #expect(machine.deadlinePassed(now: Self.start + .seconds(10)) == .close(.headerTimeout, answer408: true))
        #expect(machine.phase == .closed)
    }

    @Test func aConnectionThatSendsNothingIsClosedWithoutAnAnswer() {
        var machine = Self.identified()
        #expect(machine.deadlinePassed(now: Self.start + .seconds(10)) == .close(.headerTimeout, answer408: false))
    }

    @Test func theBodyDeadlineHasAFloorAndGrowsWithTheLength() {
        #expect(Self.timing.body(bytes: 0) == .seconds(10))
        #expect(Self.timing.body(bytes: 1000) == .seconds(10))
        #expect(Self.timing.body(bytes: 100 * 1_048_576) == .seconds(100))
        var machine = Self.identified()
        let head = Self.start + .seconds(2)
        #expect(machine.requestHead(bodyBytes: 1000, now: head) == .arm(head + .seconds(10)))
        // Seven bytes of a thousand, then nothing: cut at the body deadline, answered 408.
        #expect(machine.bytesReceived(now: head + .seconds(1)) == .none)
        #expect(machine.deadlinePassed(now: head + .seconds(10)) == .close(.bodyTimeout, answer408: true))
    }

    @Test func noAnswerIsWrittenOverAResponseAlreadyStarted() {
        var machine = Self.identified()
        _ = machine.requestHead(bodyBytes: 1000, now: Self.start)
        machine.responseBytesWritten()
        #expect(machine.deadlinePassed(now: Self.start + .seconds(10)) == .close(.bodyTimeout, answer408: false))
    }

    @Test func aRunningRouteHasNoDeadline() {
        var machine = Self.identified()
        _ = machine.requestHead(bodyBytes: 0, now: Self.start)
        #expect(machine.requestEnd() == .disarm)
        #expect(machine.phase == .responding)
        #expect(machine.deadlinePassed(now: Self.start + .seconds(3600)) == .none)
    }

    @Test func keepAliveWaitsIdleThenGivesTheNextHeadItsOwnDeadline() {
        var machine = Self.identified()
        _ = machine.requestHead(bodyBytes: 0, now: Self.start)
        _ = machine.requestEnd()
        let answered = Self.start + .seconds(1)
        #expect(machine.responseEnd(keepAlive: true, now: answered) == .arm(answered + .seconds(30)))
        let next = answered + .seconds(20)
        #expect(machine.bytesReceived(now: next) == .arm(next + .seconds(10)))
        #expect(machine.deadlinePassed(now: next + .seconds(10)) == .close(.headerTimeout, answer408: true))
    }

    @Test func anIdleKeepAliveConnectionIsClosedQuietly() {
        var machine = Self.identified()
        _ = machine.requestHead(bodyBytes: 0, now: Self.start)
        _ = machine.requestEnd()
        _ = machine.responseEnd(keepAlive: true, now: Self.start)
        #expect(machine.deadlinePassed(now: Self.start + .seconds(29)) == .arm(Self.start + .seconds(30)))
        #expect(machine.deadlinePassed(now: Self.start + .seconds(30)) == .close(.idleTimeout, answer408: false))
    }

    @Test func aResponseTheClientDoesNotReadIsDroppedAfterTheIdleTimeout() {
        var machine = Self.identified()
        _ = machine.requestHead(bodyBytes: 0, now: Self.start)
        _ = machine.requestEnd()
        #expect(machine.responseEnd(keepAlive: false, now: Self.start) == .arm(Self.start + .seconds(30)))
        #expect(machine.deadlinePassed(now: Self.start + .seconds(30)) == .close(.sendTimeout, answer408: false))
    }

    @Test func aPipelinedRequestGetsTheHeaderDeadlineAfterTheResponse() {
        var machine = Self.identified()
        _ = machine.requestHead(bodyBytes: 0, now: Self.start)
        _ = machine.requestEnd()
        #expect(machine.bytesReceived(now: Self.start) == .none)
        #expect(machine.responseEnd(keepAlive: true, now: Self.start) == .arm(Self.start + .seconds(10)))
        #expect(machine.deadlinePassed(now: Self.start + .seconds(10)) == .close(.headerTimeout, answer408: true))
    }

    @Test func aChangeStreamIsNeverCut() {
        var machine = Self.identified()
        _ = machine.requestHead(bodyBytes: 0, now: Self.start)
        _ = machine.requestEnd()
        #expect(machine.longLived() == .disarm)
        #expect(machine.deadlinePassed(now: Self.start + .hours(24)) == .none)
        #expect(machine.responseEnd(keepAlive: false, now: Self.start) == .none)
        #expect(machine.phase == .longLived)
    }

    @Test func nothingIsArmedBeforeTheCallerIsKnown() {
        var machine = Machine(timing: Self.timing)
        #expect(machine.bytesReceived(now: Self.start) == .none)
        #expect(machine.deadlinePassed(now: Self.start + .hours(1)) == .none)
        #expect(machine.closed() == .disarm)
        #expect(machine.identified(now: Self.start) == .none)
    }
}
