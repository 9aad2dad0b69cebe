import Testing

@testable import CairnDaemon

/// Which configured peer an inbound connection is shown as, before this site's own dial to
/// that peer succeeded (`SyncService.pairInbound`, issue 17 point 4).
@Suite struct PeerRowPairingTests {
    typealias Peer = (name: String, source: String?, port: Int)
    typealias Link = (source: String, port: Int)

    @Test func peersOnOneHostAreToldApartByTheirAnnouncedPorts() {
        let peers: [Peer] = [("laptop", "127.0.0.1", 7402), ("tablet", "127.0.0.1", 7403)]
        let links: [Link] = [("127.0.0.1", 7403), ("127.0.0.1", 7402)]
        #expect(SyncService.pairInbound(peers: peers, links: links) == ["laptop": 1, "tablet": 0])
    }

    @Test func withoutPortsOneHostWithSeveralPeersStaysApart() {
        // Peers that predate `listen_port` announce 0: two of them on one host are ambiguous.
        let peers: [Peer] = [("laptop", "127.0.0.1", 7402), ("tablet", "127.0.0.1", 7403)]
        #expect(SyncService.pairInbound(peers: peers, links: [("127.0.0.1", 0), ("127.0.0.1", 0)]).isEmpty)
        // One of them announcing its port settles both: the other is what is left on the host.
        #expect(SyncService.pairInbound(peers: peers, links: [("127.0.0.1", 0), ("127.0.0.1", 7402)]) == ["laptop": 1, "tablet": 0])
    }

    @Test func oneOfEachLeftOnAHostIsPairedWhateverThePort() {
        // A peer reached through a forwarded port announces its own, not the configured one.
        #expect(SyncService.pairInbound(peers: [("hq", "10.1.0.7", 7401)], links: [("10.1.0.7", 9000)]) == ["hq": 0])
    }

    @Test func anotherHostOrAnUnresolvedNameIsNeverPaired() {
        #expect(SyncService.pairInbound(peers: [("hq", "10.1.0.7", 7401)], links: [("10.1.0.8", 7401)]).isEmpty)
        // A host name (not an IP literal) has no source key until the dialer resolves it.
        #expect(SyncService.pairInbound(peers: [("hq", nil, 7401)], links: [("10.1.0.7", 7401)]).isEmpty)
    }

    @Test func twoConnectionsAnnouncingOnePortAreAmbiguous() {
        let links: [Link] = [("127.0.0.1", 7402), ("127.0.0.1", 7402)]
        #expect(SyncService.pairInbound(peers: [("laptop", "127.0.0.1", 7402)], links: links).isEmpty)
    }
}
