import CairnControl
import Foundation
import Testing

/// The sync documents keep every key, whatever the peer's state.
@Suite struct PeerDocumentTests {
    @Test func absentValuesAreExplicitNullsAndRoundTrip() throws {
        let peer = PeerDocument(
            name: "bravo-hq", address: "10.0.0.2:7401", source: "config", device: nil, clearance: nil, connected: false,
            lastRound: nil, lastError: "cannot connect", bytesSent: 0, bytesReceived: 0, levels: [])
        let document = SyncStatusDocument(listen: nil, peers: [peer])
        let text = String(decoding: try ControlJSON.compactEncoder().encode(document), as: UTF8.self)
        for key in ["\"listen\":null", "\"device\":null", "\"clearance\":null", "\"lastRound\":null"] {
            #expect(text.contains(key), "\(key) missing from \(text)")
        }
        #expect(try ControlJSON.decoder().decode(SyncStatusDocument.self, from: Data(text.utf8)) == document)
        let request = String(decoding: try ControlJSON.compactEncoder().encode(SyncRequest(peer: nil, wait: true)), as: UTF8.self)
        #expect(request.contains("\"peer\":null"))
    }
}
