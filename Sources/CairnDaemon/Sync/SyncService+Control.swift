import CairnControl
import CairnModel
import CairnStore
import Foundation
import Synchronization

extension SyncService {
    /// Every peer, configured or connected, for `status` and `peer list`.
    func peerDocuments() -> [PeerDocument] {
        var documents: [PeerDocument] = []
        var covered = Set<ObjectIdentifier>()
        let dialers = dialers.withLock { Array($0.values) }.sorted { $0.peer.name < $1.peer.name }
        let inboundGuess = inboundLinksByAddress(dialers)
        for dialer in dialers {
            let link = dialer.device.withLock { $0 }.flatMap { context.registry.links(of: $0).first }
                ?? context.registry.primary(named: dialer.peer.name) ?? inboundGuess[dialer.peer.name]
            if let link { covered.insert(ObjectIdentifier(link)) }
            documents.append(document(name: dialer.peer.name, address: dialer.peer.address, source: dialer.source, link: link, lastError: dialer.lastError.withLock { $0 }))
        }
        for link in context.registry.primaries where !covered.contains(ObjectIdentifier(link)) {
            documents.append(document(name: link.name, address: nil, source: "inbound", link: link, lastError: nil))
        }
        // Peers that only dialled in and have gone: still listed, as not connected, with when and
        // why their last connection closed (a dialer reports its own peer above).
        let dialled = Set(dialers.compactMap { $0.device.withLock { $0 } })
        for gone in context.registry.departedPeers.sorted(by: { $0.ref < $1.ref })
        where !gone.dialled && !dialled.contains(gone.device) && context.registry.links(of: gone.device).isEmpty {
            let when = DocumentMapping.time(seconds: Int64(gone.at.timeIntervalSince1970))
            documents.append(
                PeerDocument(
                    name: gone.ref, address: nil, source: "inbound", device: gone.ref, clearance: gone.clearance, connected: false,
                    lastRound: nil, lastError: "disconnected at \(when)" + (gone.reason.map { ": \($0)" } ?? ""), bytesSent: 0,
                    bytesReceived: 0, levels: []))
        }
        return documents
    }

    /// The connections configured peers opened to this site before this site's own dial to
    /// them ever succeeded (so before each dialer learned which device answers its address):
    /// each is shown on its peer's row instead of a second, inbound row (`pairInbound`).
    private func inboundLinksByAddress(_ dialers: [PeerDialer]) -> [String: PeerLink] {
        let unresolved = dialers.filter { dialer in
            dialer.device.withLock { $0 } == nil && context.registry.primary(named: dialer.peer.name) == nil
        }
        guard !unresolved.isEmpty else { return [:] }
        let known = Set(dialers.compactMap { $0.device.withLock { $0 } })
        let inbound = context.registry.primaries.filter { link in
            link.direction == .inbound && link.peer.map { !known.contains($0.deviceID) } ?? false
        }
        let pairs = Self.pairInbound(
            peers: unresolved.map { (name: $0.peer.name, source: AdmissionSource.key(host: $0.peer.host), port: $0.peer.port) },
            links: inbound.map { (source: $0.source, port: Int($0.peerListenPort)) })
        return pairs.mapValues { inbound[$0] }
    }

    /// Pairs configured peers (name, the source key of their host, port) with inbound
    /// connections (source key, the port their Hello announced, 0 if none), by the connection's
    /// index. A connection from a peer's host that announces the peer's port is that peer's;
    /// then, on a host where exactly one peer and one connection are left, they are paired
    /// (a peer behind a forwarded port, or one that predates `listen_port`). Whatever is
    /// ambiguous stays apart: this is display only.
    static func pairInbound(peers: [(name: String, source: String?, port: Int)], links: [(source: String, port: Int)]) -> [String: Int] {
        var pairs: [String: Int] = [:]
        for peer in peers {
            guard let source = peer.source, peer.port != 0 else { continue }
            let matches = links.indices.filter { links[$0].source == source && links[$0].port == peer.port }
            if matches.count == 1 { pairs[peer.name] = matches[0] }
        }
        let taken = Set(pairs.values)
        let peersLeft = Dictionary(grouping: peers.filter { pairs[$0.name] == nil }) { $0.source }
        let linksLeft = Dictionary(grouping: links.indices.filter { !taken.contains($0) }) { links[$0].source }
        for case let (source?, group) in peersLeft where group.count == 1 {
            if let candidates = linksLeft[source], candidates.count == 1 { pairs[group[0].name] = candidates[0] }
        }
        return pairs
    }

    private func document(name: String, address: String?, source: String, link: PeerLink?, lastError: String?) -> PeerDocument {
        guard let link, let peer = link.peer else {
            return PeerDocument(
                name: name, address: address, source: source, device: nil, clearance: nil, connected: false, lastRound: nil,
                lastError: lastError, bytesSent: 0, bytesReceived: 0, levels: [])
        }
        let snapshot = link.snapshot()
        let levels = site.levels.names.filter { snapshot.commonLevels.contains($0) }.map { level in
            PeerDocument.Level(
                name: level, lacking: snapshot.lacking[level] ?? 0, missing: snapshot.missing[level] ?? 0,
                deltasSent: snapshot.sentByLevel[level] ?? 0, deltasReceived: snapshot.receivedByLevel[level] ?? 0)
        }
        return PeerDocument(
            name: name, address: address, source: source, device: "\(peer.ref)", clearance: peer.clearance, connected: true,
            lastRound: snapshot.lastRoundAt.map(DocumentMapping.time), lastError: nil, bytesSent: snapshot.bytesSent,
            bytesReceived: snapshot.bytesReceived, levels: levels)
    }

    /// The primary link of a peer named by its configured name or its device reference.
    func link(named name: String) -> PeerLink? {
        if let device = dialers.withLock({ $0[name] })?.device.withLock({ $0 }), let link = context.registry.links(of: device).first {
            return link
        }
        return context.registry.primary(named: name)
    }

    /// `POST /v1/peers`.
    func addPeer(_ request: AddPeerRequest) throws -> PeerDocument {
        guard let peer = PeerAddress.parse(name: request.name, address: request.address) else {
            throw DaemonError.request(
                .badRequest, "a peer needs a name of 1 to 64 of a-z, 0-9 and - and an address HOST:PORT (IPv6 in brackets)")
        }
        if configured.withLock({ $0.contains { $0.name == peer.name } }) {
            throw DaemonError.request(.conflict, "peer \(peer.name) is set in the configuration file; change it there")
        }
        try site.addPeer(name: peer.name, address: peer.address, addedAt: Int64(Date().timeIntervalSince1970 * 1000))
        startDialer(peer, source: "added")
        return document(name: peer.name, address: peer.address, source: "added", link: nil, lastError: nil)
    }

    /// `DELETE /v1/peers/NAME`: forgets an added peer and closes its connection.
    func removePeer(named name: String) throws {
        if configured.withLock({ $0.contains { $0.name == name } }) {
            throw DaemonError.request(.conflict, "peer \(name) is set in the configuration file; remove it there and reload (SIGHUP)")
        }
        let link = link(named: name)
        guard try site.removeAddedPeer(named: name) || stopDialer(named: name) else {
            throw DaemonError.request(.peerNotFound, "no peer named \(name)")
        }
        _ = stopDialer(named: name)
        if let link {
            // Not a refusal: said politely and closed.
            link.send(.goodbye("peer removed by an administrator"))
            link.channel.close(promise: nil)
        }
    }

    /// `POST /v1/sync`: a round with one peer or all; with `wait`, returns when each round
    /// completed, everything it queued was acknowledged and what the peer showed it holds
    /// beyond this site has arrived or stopped arriving (or after `waitSeconds`, default 60).
    /// The wait is a suspended task (`SyncWait`): however many callers wait, none holds a thread.
    func syncNow(_ request: SyncRequest) async throws -> SyncResultDocument {
        let waitSeconds = request.waitSeconds ?? 60
        guard (1...SyncRequest.maxWaitSeconds).contains(waitSeconds) else {
            throw DaemonError.request(.badRequest, "waitSeconds must be from 1 to \(SyncRequest.maxWaitSeconds)")
        }
        let deadline = ContinuousClock.now + .seconds(waitSeconds)
        let links: [PeerLink]
        if let name = request.peer {
            guard let link = link(named: name) else {
                throw DaemonError.request(.peerNotFound, "peer \(name) is not connected (see cairn peer list)")
            }
            links = [link]
        } else {
            links = context.registry.primaries
        }
        let before = links.map { $0.snapshot() }
        let rounds = links.map { link -> RoundOutcome in
            let round = RoundOutcome()
            link.startRound { round.finish($0) }
            return round
        }
        if request.wait {
            await SyncWait(committed: site.deltaFeed, stopped: stopped).wait(links, rounds: rounds, deadline: deadline)
        }
        return SyncResultDocument(rounds: links.indices.map { index in
            let after = links[index].snapshot()
            return SyncResultDocument.Round(
                peer: links[index].name, completed: request.wait && rounds[index].completed == true,
                deltasSent: after.deltasSent - before[index].deltasSent,
                deltasReceived: after.deltasReceived - before[index].deltasReceived,
                bytesSent: after.bytesSent - before[index].bytesSent, bytesReceived: after.bytesReceived - before[index].bytesReceived,
                missing: after.missing.values.reduce(0, +), lacking: after.lacking.values.reduce(0, +),
                connectedAt: DocumentMapping.time(seconds: Int64(links[index].connectedAt.timeIntervalSince1970)),
                connectionDeltasSent: after.deltasSent, connectionDeltasReceived: after.deltasReceived)
        })
    }
}

extension SyncService {
    /// Sets the sync gauges before a scrape: per peer whether it is connected, the bytes moved
    /// on its connection and, per common level, how many deltas it lacks (its lag); and how many
    /// received deltas wait for a missing predecessor.
    func recordGauges() {
        let metrics = site.metrics
        // Labelled by device (agency/name) like the counters, or by configured name until the
        // peer has identified itself.
        for peer in peerDocuments() {
            let label = ("peer", peer.device ?? peer.name)
            metrics.gauge("cairn_sync_peer_connected", [label], peer.connected ? 1 : 0)
            metrics.gauge("cairn_sync_peer_bytes_sent", [label], Double(peer.bytesSent))
            metrics.gauge("cairn_sync_peer_bytes_received", [label], Double(peer.bytesReceived))
            for level in peer.levels {
                metrics.gauge("cairn_sync_peer_lacking_deltas", [label, ("level", level.name)], Double(level.lacking))
                metrics.gauge("cairn_sync_peer_missing_deltas", [label, ("level", level.name)], Double(level.missing))
                metrics.gauge("cairn_sync_peer_deltas_sent", [label, ("level", level.name)], Double(level.deltasSent))
                metrics.gauge("cairn_sync_peer_deltas_received", [label, ("level", level.name)], Double(level.deltasReceived))
            }
        }
        metrics.gauge("cairn_sync_unadmitted_connections", [], Double(admission.waiting))
        let waiting = site.waitingDeltas()
        metrics.gauge("cairn_sync_waiting_deltas", [], Double(waiting.0))
        metrics.gauge("cairn_sync_waiting_bytes", [], Double(waiting.1))
    }
}
