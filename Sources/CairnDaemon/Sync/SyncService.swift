import CairnCrypto
import CairnModel
import CairnProtocol
import CairnStore
import CairnTransport
import Foundation
import Logging
import NIOCore
import NIOPosix
import ServiceLifecycle
import Synchronization

/// Federation sync as a lifecycle service: the TLS listener, one dialer per configured peer
/// (reconnecting with backoff), pushes of freshly stored deltas to connected peers, and the
/// periodic anti-entropy round with a random peer.
final class SyncService: Service, Sendable {
    let config: DaemonConfig
    /// The site as sync sees it (`Site+SyncInterface.swift`).
    let site: any SyncServiceSite
    let context: SyncContext
    let group: MultiThreadedEventLoopGroup
    let serverTLS: TLSContext
    let clientTLS: TLSContext
    let dialers = Mutex<[String: PeerDialer]>([:])
    /// Peers from the configuration file (replaced on SIGHUP).
    let configured = Mutex<[PeerAddress]>([])
    let listenAddress = Mutex<String?>(nil)
    /// The bound listener, from `bind()` (before the daemon says it is ready).
    let listener = Mutex<(any Channel)?>(nil)
    /// Inbound connections waiting for admission: bounded in all and per source, fair between
    /// sources, with precedence for configured peers' addresses.
    let admission: InboundAdmission
    /// Peers added at run time (`cairn peer add`), read from the store in `bind()`.
    let added = Mutex<[PeerAddress]>([])
    /// Dialers to run as child tasks of `run()` (started by `startDialer`, from the control API
    /// and SIGHUP as well); finished on graceful shutdown, so that none starts after it.
    private let dialerStarts: AsyncStream<PeerDialer>
    private let dialerStart: AsyncStream<PeerDialer>.Continuation
    /// Signalled when the service stops: `cairn sync --wait` callers get their answer then.
    let stopped = AsyncSignal()

    init(config: DaemonConfig, site: Site, group: MultiThreadedEventLoopGroup, threadPool: NIOThreadPool, logger: Logger) throws {
        self.config = config
        self.site = site
        self.group = group
        var context = SyncContext(
            site: site, threadPool: threadPool, limits: SyncLimits(), registry: PeerRegistry(),
            auditor: Auditor(site: site, threadPool: threadPool), logger: logger)
        context.listenPort = config.syncListen.flatMap(ListenAddress.init).flatMap { UInt16(exactly: $0.port) } ?? 0
        self.context = context
        admission = InboundAdmission(
            limits: AdmissionGate.Limits(
                total: config.maxUnadmittedConnections, perSource: config.maxUnadmittedPerSource,
                reservedForPeers: config.maxUnadmittedConnections / 4))
        do {
            serverTLS = try TLSContext(role: .server, identity: site.identity.keys.tls)
            clientTLS = try TLSContext(role: .client, identity: site.identity.keys.tls)
        } catch {
            throw DaemonError.startup("cannot set up TLS: \(error)")
        }
        configured.withLock { $0 = config.peers }
        (dialerStarts, dialerStart) = AsyncStream.makeStream(of: PeerDialer.self)
    }

    var logger: Logger { context.logger }

    var transportOptions: TransportOptions {
        TransportOptions(
            handshakeTimeout: .seconds(Int64(config.handshakeTimeoutSeconds)),
            idleTimeout: .seconds(Int64(config.idleTimeoutSeconds)), maxFrameBytes: context.limits.maxFrameBytes)
    }

    func run() async throws {
        let subscription = site.deltaFeed.subscribe { [context] positions in
            for link in context.registry.primaries { link.push(positions) }
        }
        defer { site.deltaFeed.unsubscribe(subscription) }
        // A device withdrawn (revoked, or by a charter amendment) loses its connections at
        // once; every other peer is told, so the news spreads as fast as deltas do.
        let withdrawals = site.withdrawalFeed.subscribe { [context] in
            for link in context.registry.all {
                guard let peer = link.peer else { continue }
                if context.site.isWithdrawn(peer) {
                    link.refuse("the peer's certificate is revoked or withdrawn by the charter", code: "revoked")
                } else {
                    link.sendTrust()
                }
            }
        }
        defer { site.withdrawalFeed.unsubscribe(withdrawals) }
        let listener = self.listener.withLock { $0 }
        context.auditor.start(on: group.next())
        for peer in configured.withLock({ $0 }) { startDialer(peer, source: "config") }
        for peer in added.withLock({ $0 }) { startDialer(peer, source: "added") }
        // The anti-entropy loop and every dialer are child tasks: cancelled (and awaited) when
        // the service stops, so none outlives it.
        await withDiscardingTaskGroup { tasks in
            tasks.addTask { await self.antiEntropy() }
            // Ends on graceful shutdown (or cancellation): no dialer starts after that.
            for await dialer in dialerStarts.cancelOnGracefulShutdown() {
                tasks.addTask { await dialer.run() }
            }
            dialerStart.finish()
            stopped.signal()
            listener?.close(promise: nil)
            // Goodbyes first, while the dialers' connections are still open.
            await closeConnections()
            tasks.cancelAll()
        }
        dialers.withLock { $0.removeAll() }
        await context.auditor.flush()
        logger.info("sync.stopped")
    }

    /// Says goodbye to every peer and closes every connection, those still waiting for
    /// admission included (what they caused is in the aggregated audit counts flushed after).
    private func closeConnections() async {
        var closing: [EventLoopFuture<Void>] = []
        for link in context.registry.all {
            link.send(.goodbye("shutting down"))
            closing.append(link.channel.close())
        }
        for channel in admission.waitingChannels { closing.append(channel.close()) }
        // `whenAllComplete` does not fail (each close's own result, an already closed channel
        // included, is in the array, and nothing is left to do about it).
        _ = try? await EventLoopFuture.whenAllComplete(closing, on: group.next()).get()
    }

    /// Binds the listener, if `sync.listen` is set: called before the services start, so that a
    /// port in use stops the daemon with a clear error instead of a site that never syncs.
    func bind() async throws {
        do {
            let rows = try site.addedPeers()
            added.withLock { $0 = rows.compactMap { PeerAddress.parse(name: $0.name, address: $0.address) } }
        } catch {
            throw DaemonError.startup("cannot read the peers added with `cairn peer add` from the store: \(error)")
        }
        guard let text = config.syncListen, let address = ListenAddress(text) else { return }
        do {
            let channel = try await listen(text: text, address: address)
            listener.withLock { $0 = channel }
        } catch {
            throw DaemonError.startup("cannot listen for sync on \(text): \(error)")
        }
    }

    private func listen(text: String, address: ListenAddress) async throws -> any Channel {
        let context = self.context, tls = serverTLS, options = transportOptions, admission = self.admission
        let channel = try await ServerBootstrap(group: group)
            .serverChannelOption(.backlog, value: 128)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .childChannelInitializer { channel in
                let source = AdmissionSource.key(channel.remoteAddress)
                guard case .admitted(let slot, let evicted) = admission.enter(channel, source: source) else {
                    Self.refused(source: source, reason: "too_many_handshakes", context: context)
                    return channel.close()
                }
                if let evicted {
                    Self.refused(source: evicted.source, reason: "evicted", context: context)
                    evicted.channel.close(promise: nil)
                }
                return channel.eventLoop.makeCompletedFuture {
                    try TransportPipeline.configureSync(channel, context: tls, options: options)
                    try channel.pipeline.syncOperations.addHandler(LinkActivityHandler())
                    // The slot is held until the peer is admitted, the deadline (one handshake
                    // timeout from now, for TLS and Hello together) closes it, or it ends.
                    try channel.pipeline.syncOperations.addHandler(
                        SyncHandler(
                            context: context, direction: .inbound, configuredName: nil,
                            deadline: .at(.now() + options.handshakeTimeout, timeout: options.handshakeTimeout),
                            onAdmitted: { slot.release() }))
                    channel.closeFuture.whenComplete { _ in slot.release() }
                }
            }
            .bind(host: address.host, port: address.port).get()
        listenAddress.withLock { $0 = text }
        logger.info("sync.listening", metadata: ["sync.listen": "\(text)"])
        return channel
    }

    /// Every `antiEntropySeconds` (with jitter): a round with one random connected peer, a
    /// round on any connection that has been quiet for a third of the idle timeout, and the
    /// end of batches unacknowledged and reconcile sessions unanswered for the idle timeout.
    private func antiEntropy() async {
        let base = Double(config.antiEntropySeconds)
        while !Task.isCancelled && !Task.isShuttingDownGracefully {
            let delay = base * Double.random(in: 0.75...1.25)
            // Throws only when cancelled or shutting down, which the loop's condition handles.
            try? await cancelWhenGracefulShutdown { try await Task.sleep(for: .milliseconds(Int64(delay * 1000))) }
            guard !Task.isCancelled && !Task.isShuttingDownGracefully else { break }
            let links = context.registry.primaries
            if let chosen = links.randomElement() { chosen.startRound() }
            for link in links {
                link.keepAlive(after: Double(config.idleTimeoutSeconds) / 3)
                link.checkAcknowledgements(timeout: Double(config.idleTimeoutSeconds))
                link.checkReconcile(timeout: Double(config.idleTimeoutSeconds))
            }
        }
    }

    /// A connection closed by the admission gate before TLS: the newcomer refused, or the
    /// connection that lost its slot to it. Counted exactly, audited aggregated.
    private static func refused(source: String, reason: String, context: SyncContext) {
        context.metrics.count("cairn_sync_connections_refused_total", [("reason", reason)])
        context.auditor.stranger("sync.handshake_failed", reason: reason, source: source)
    }

    func startDialer(_ peer: PeerAddress, source: String) {
        admission.setPeer(peer.name, sources: Set([AdmissionSource.key(host: peer.host)].compactMap { $0 }))
        let dialer = PeerDialer(peer: peer, source: source, service: self)
        let previous = dialers.withLock { dialers -> PeerDialer? in
            defer { dialers[peer.name] = dialer }
            return dialers[peer.name]
        }
        previous?.stop()
        dialerStart.yield(dialer)
    }

    func stopDialer(named name: String) -> Bool {
        guard let dialer = dialers.withLock({ $0.removeValue(forKey: name) }) else { return false }
        admission.forgetPeer(name)
        dialer.stop()
        return true
    }

    /// SIGHUP: re-reads `[peers]` from the configuration file; dialers of unchanged peers and
    /// every established connection stay as they are.
    func reloadPeers() {
        let fresh: [PeerAddress]
        do {
            fresh = try DaemonConfig.load(path: config.configPath).peers
        } catch {
            logger.error("sync.reload_failed", metadata: .error(error))
            return
        }
        let old = configured.withLock { state in
            defer { state = fresh }
            return state
        }
        let oldByName = Dictionary(old.map { ($0.name, $0) }, uniquingKeysWith: { a, _ in a })
        let freshByName = Dictionary(fresh.map { ($0.name, $0) }, uniquingKeysWith: { a, _ in a })
        for (name, _) in oldByName where freshByName[name] == nil { _ = stopDialer(named: name) }
        for (name, peer) in freshByName where oldByName[name] != peer { startDialer(peer, source: "config") }
        logger.info("sync.peers_reloaded", metadata: ["peers": "\(fresh.map(\.name).sorted())"])
    }
}
