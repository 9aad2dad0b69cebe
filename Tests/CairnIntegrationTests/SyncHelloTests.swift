import CairnControl
import CairnProtocol
import Foundation
import Testing

extension IntegrationSuite {
    /// The Hello exchange on an accepted connection.
    @Suite(.timeLimit(.minutes(1)))
    struct SyncHelloTests {
        /// A client that completes TLS but never introduces itself learns nothing (the accepting
        /// site speaks only after admitting the dialler's Hello) and is disconnected at the Hello
        /// deadline (the handshake timeout), audited; the slot it held is given back.
        @Test func aSilentClientAfterTLSLearnsNothingAndIsDisconnected() throws {
            let federation = try Federation(devices: ["alpha/hq"])
            defer { federation.shutdown() }
            let alpha = federation.member("alpha/hq")
            let peer = try TestPeer.connect(port: alpha.port, as: .fixture("bravo/hq"), hello: false)
            defer { peer.close() }
            let closed = try peer.waitUntilClosed(timeout: 15)
            // Only the Goodbye that says why.
            let told = closed.frames.filter { if case .goodbye = $0 { return false } else { return true } }
            #expect(closed.received.count == closed.frames.count && told.isEmpty, "the site sent \(closed.frames.map(\.kind)) to a peer it had not admitted")
            try FederationWait.until("the Hello timeout is audited", timeout: 10) {
                let entries = try alpha.client.auditEntries()
                return entries.contains { $0.kind == "sync.handshake_failed" && $0.detail.contains("hello_timeout") }
                    ? nil : "no sync.handshake_failed hello_timeout entry yet"
            }
            // An honest peer is still admitted afterwards, and gets the site's Hello once admitted.
            let honest = try TestPeer.connect(port: alpha.port, as: .fixture("bravo/hq"))
            defer { honest.close() }
            try honest.waitUntilAdmitted()
            #expect(honest.snapshot.frames.contains { if case .hello = $0 { return true } else { return false } })
        }
    }
}
