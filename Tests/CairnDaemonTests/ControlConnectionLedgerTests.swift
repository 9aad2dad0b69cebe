import Glibc
import NIOCore
import Testing

@testable import CairnDaemon

/// Connection caps per uid and in all, and the admin reserve beyond both.
@Suite struct ControlConnectionLedgerTests {
    static func limits(total: Int = 10, perUID: Int = 4, reserve: Int = 2) -> ControlLimits {
        var limits = ControlLimits()
        limits.maxConnections = total
        limits.maxConnectionsPerUID = perUID
        limits.adminReserve = reserve
        return limits
    }

    @Test func oneUIDIsCappedAndOthersStillGetIn() {
        var ledger = ControlConnectionLedger(limits: Self.limits(), daemonUID: 999)
        for _ in 0..<4 { #expect(ledger.admit(uid: 1000) == nil) }
        #expect(ledger.admit(uid: 1000) == .tooManyForUID)
        #expect(ledger.admit(uid: 1001) == nil)
        #expect(ledger.open[1000] == 4 && ledger.total == 5)
        ledger.release(uid: 1000)
        #expect(ledger.admit(uid: 1000) == nil)
    }

    @Test func theTotalCapHoldsAcrossUIDs() {
        var ledger = ControlConnectionLedger(limits: Self.limits(), daemonUID: 999)
        for uid in UInt32(2000)..<2010 { #expect(ledger.admit(uid: uid) == nil) }
        #expect(ledger.admit(uid: 3000) == .tooManyConnections)
        #expect(ledger.total == 10)
    }

    @Test func rootAndTheDaemonUIDKeepTheirReserveUnderAFlood() {
        var ledger = ControlConnectionLedger(limits: Self.limits(), daemonUID: 999)
        for uid in UInt32(2000)..<2010 { _ = ledger.admit(uid: uid) }
        // Every slot is taken by others; the admins still get the reserve, and no more.
        #expect(ledger.admit(uid: 0) == nil)
        #expect(ledger.admit(uid: 999) == nil)
        #expect(ledger.admit(uid: 0) == .tooManyConnections)
        #expect(ledger.admit(uid: 2000) == .tooManyConnections)
    }

    @Test func aFloodFromRootUsesRootsSlotsNotTheDaemonUIDs() {
        var ledger = ControlConnectionLedger(limits: Self.limits(), daemonUID: 999)
        for _ in 0..<6 { #expect(ledger.admit(uid: 0) == nil) }
        #expect(ledger.admit(uid: 0) == .tooManyForUID)
        #expect(ledger.admit(uid: 999) == nil)
    }

    @Test func capsAreFittedUnderTheOpenFileLimit() {
        let limits = ControlLimits()
        #expect(limits.fitted(toOpenFileLimit: 20_000) == limits)
        let small = limits.fitted(toOpenFileLimit: 1024)
        #expect(small.maxConnections == 1024 - 512 - 16)
        #expect(small.maxConnectionsPerUID == 64)
        let tiny = limits.fitted(toOpenFileLimit: 300)
        #expect(tiny.maxConnections == 300 - 256 - 16)
        #expect(tiny.maxConnectionsPerUID == tiny.maxConnections)
        // Connections, admin reserve included, never reach the descriptors kept back.
        for limit in [64, 300, 1024, 4096, 20_000, 1_000_000] {
            let fitted = limits.fitted(toOpenFileLimit: limit)
            #expect(fitted.maxConnections >= 1)
            if limit >= 512 {
                #expect(fitted.maxConnections + fitted.adminReserve + ControlLimits.descriptorsKeptBack(openFileLimit: limit) <= limit)
            }
        }
    }
}

/// The control listener pauses accepting when descriptors or memory run out, instead of
/// spinning on the pending connection.
@Suite struct ControlAcceptBackoffTests {
    @Test func outOfDescriptorsPausesAndAnAbortedClientDoesNot() {
        for code in [EMFILE, ENFILE, ENOBUFS, ENOMEM] {
            #expect(ControlAcceptBackoff.delay(after: IOError(errnoCode: code, reason: "accept")) == .milliseconds(250))
        }
        #expect(ControlAcceptBackoff.delay(after: IOError(errnoCode: ECONNABORTED, reason: "accept")) == nil)
        #expect(ControlAcceptErrorCounter.name(of: EMFILE) == "emfile")
    }
}
