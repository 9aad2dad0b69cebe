import CairnTestSupport
import Foundation
import Logging
import NIOCore
import NIOPosix
import ServiceLifecycle
import Synchronization
import Testing

@testable import CairnDaemon

/// The daemon's services on their own, in a `ServiceGroup` as `cairnd` runs them: background
/// work, SIGHUP and the sync dialers are child tasks, and a graceful shutdown ends them within a
/// bound whatever they were doing (applying a backlog, waiting for a TLS handshake).
@Suite(.timeLimit(.minutes(2)))
struct ServiceShutdownTests {
    /// Runs `services` in a group until `body` returns, then shuts the group down gracefully and
    /// returns how long that took.
    static func run(_ services: [any Service], _ body: () async throws -> Void) async throws -> Duration {
        let group = ServiceGroup(
            configuration: .init(services: services.map { .init(service: $0) }, logger: SiteFixture.logger))
        let running = Task { try await group.run() }
        do {
            try await body()
        } catch {
            await group.triggerGracefulShutdown()
            _ = try? await running.value
            throw error
        }
        let stopping = ContinuousClock.now
        await group.triggerGracefulShutdown()
        try await running.value
        return ContinuousClock.now - stopping
    }

    @Test func backgroundWorkStopsPromptlyInTheMiddleOfABacklog() async throws {
        try await BackgroundDrainTests.withBacklog(count: 150) { alpha, bravo, grants in
            try await BackgroundDrainTests.withPool { pool in
                bravo.backlog.limit = 1
                _ = try await blocking { try bravo.ingest.ingest(grants, from: SiteIngestTests.source(alpha)) }
                let applying = AsyncSignal()
                let watch = bravo.feeds.changes.subscribe { _ in applying.signal() }
                defer { bravo.feeds.changes.unsubscribe(watch) }
                let ready = AsyncSignal()
                let took = try await Self.run([BackgroundWork(site: bravo, threadPool: pool, ready: ready)]) {
                    ready.signal()
                    #expect(await applying.wait(after: 0, until: .now + .seconds(30)))
                }
                #expect(took < .seconds(5), "graceful shutdown took \(took)")
                #expect(try bravo.database.unappliedCounts()["CONFIDENTIAL", default: 0] > 0)
                // The store check ran once the socket "served", and found nothing.
                #expect(!bravo.storeCheck.isRunning && bravo.storeCheck.problems.isEmpty)
            }
        }
    }

    @Test func sighupRunsTheReloadOnThePoolAndShutdownEndsTheWait() async throws {
        let pool = NIOThreadPool(numberOfThreads: 1)
        pool.start()
        let poolThread = try await pool.runIfActive { UInt(pthread_self()) }
        let reloaded = AsyncSignal()
        let reloadThread = Atomic<UInt>(0)
        let service = ReloadService(signals: await ReloadService.trap(), threadPool: pool, logger: SiteFixture.logger) {
            reloadThread.store(UInt(pthread_self()), ordering: .relaxed)
            reloaded.signal()
        }
        let took = try await Self.run([service]) {
            kill(getpid(), SIGHUP)
            #expect(await reloaded.wait(after: 0, until: .now + .seconds(10)))
            kill(getpid(), SIGHUP)
            #expect(await reloaded.wait(after: 1, until: .now + .seconds(10)))
        }
        let thread = reloadThread.load(ordering: .relaxed)
        #expect(thread == poolThread, "the reload did not run on the thread pool")
        #expect(took < .seconds(5), "graceful shutdown took \(took)")
        try await pool.shutdownGracefully()
    }

    /// A dialer waiting for a TLS handshake that never comes (the peer accepted TCP and is
    /// silent) is cancelled at shutdown, long before the handshake timeout, and closes its
    /// connection; `stopDialer` does the same for one peer while the service runs on.
    @Test func dialersAreChildTasksThatShutdownAndStopDialerEnd() async throws {
        try await withTemporaryDirectory { directory in
            var config = try SiteFixture.config(in: directory)
            config.handshakeTimeoutSeconds = 60
            let site = try await blocking { [config] in try SiteFixture.load(config) }
            defer { try? site.database.close() }
            let silent = try await SilentListener.start()
            config.peers = [try #require(PeerAddress.parse(name: "quiet", address: "127.0.0.1:\(silent.port)"))]
            try await BackgroundDrainTests.withPool { pool in
                let loops = MultiThreadedEventLoopGroup(numberOfThreads: 1)
                let sync = try SyncService(config: config, site: site, group: loops, threadPool: pool, logger: SiteFixture.logger)
                try await sync.bind()
                let took = try await Self.run([sync]) {
                    #expect(await silent.accepted.wait(after: 0, until: .now + .seconds(20)))
                    #expect(sync.stopDialer(named: "quiet"))
                    #expect(await silent.closed.wait(after: 0, until: .now + .seconds(5)), "stopDialer left the connection open")
                    // Dialled again once added again; shutdown then ends that dialer too.
                    let seen = silent.accepted.generation
                    sync.startDialer(config.peers[0], source: "config")
                    #expect(await silent.accepted.wait(after: seen, until: .now + .seconds(20)))
                }
                #expect(took < .seconds(5), "graceful shutdown took \(took) with a dialer in a TLS handshake")
                #expect(await silent.closed.wait(after: 1, until: .now + .seconds(5)), "shutdown left the dialer's connection open")
                try await loops.shutdownGracefully()
            }
            await silent.stop()
        }
    }

    @Test func aConnectThatIsCancelledEndsAtOnceAndALateConnectionIsClosed() async throws {
        let loops = MultiThreadedEventLoopGroup(numberOfThreads: 1)
        let promise = loops.next().makePromise(of: (any Channel).self)
        let connecting = Task { try await PeerDialer.connected(promise.futureResult) }
        try await Task.sleep(for: .milliseconds(50))
        let cancelled = ContinuousClock.now
        connecting.cancel()
        await #expect(throws: CancellationError.self) { try await connecting.value }
        #expect(ContinuousClock.now - cancelled < .seconds(5))

        let silent = try await SilentListener.start()
        let late = try await ClientBootstrap(group: loops).connect(host: "127.0.0.1", port: Int(silent.port)).get()
        promise.succeed(late)
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { try await late.closeFuture.get() }
            group.addTask {
                try await Task.sleep(for: .seconds(5))
                throw FixtureError("the connection made after the cancellation is still open")
            }
            try await group.next()
            group.cancelAll()
        }
        await silent.stop()
        try await loops.shutdownGracefully()
    }
}

/// A TCP listener on 127.0.0.1 that accepts and never says anything: a peer stuck before TLS.
final class SilentListener: Sendable {
    let port: UInt16
    /// Signalled at each accepted connection, and at each close of one.
    let accepted: AsyncSignal
    let closed: AsyncSignal
    private let channel: any Channel
    private let loops: MultiThreadedEventLoopGroup

    private init(port: UInt16, accepted: AsyncSignal, closed: AsyncSignal, channel: any Channel, loops: MultiThreadedEventLoopGroup) {
        self.port = port
        self.accepted = accepted
        self.closed = closed
        self.channel = channel
        self.loops = loops
    }

    static func start() async throws -> SilentListener {
        let loops = MultiThreadedEventLoopGroup(numberOfThreads: 1)
        let accepted = AsyncSignal(), closed = AsyncSignal()
        let channel = try await ServerBootstrap(group: loops)
            .childChannelInitializer { child in
                accepted.signal()
                child.closeFuture.whenComplete { _ in closed.signal() }
                return child.eventLoop.makeSucceededVoidFuture()
            }
            .bind(host: "127.0.0.1", port: 0).get()
        return SilentListener(
            port: UInt16(channel.localAddress?.port ?? 0), accepted: accepted, closed: closed, channel: channel, loops: loops)
    }

    func stop() async {
        // Closing and shutting down cannot fail in a way the tests care about.
        try? await channel.close()
        try? await loops.shutdownGracefully()
    }
}
