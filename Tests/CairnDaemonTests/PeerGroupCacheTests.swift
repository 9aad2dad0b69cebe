import NIOCore
import NIOPosix
import Synchronization
import Testing

@testable import CairnDaemon

/// Group look-ups (NSS) run on the thread pool, once per caller while their answer is fresh.
@Suite struct PeerGroupCacheTests {
    final class Clock: Sendable {
        let now = Mutex(NIODeadline.uptimeNanoseconds(1_000_000_000))
        func advance(_ amount: TimeAmount) { now.withLock { $0 = $0 + amount } }
    }

    final class Calls: Sendable {
        let count = Atomic<Int>(0)
        let onEventLoop = Atomic<Int>(0)
    }

    static func withCache(
        lifetime: TimeAmount = .seconds(30), clock: Clock? = nil, delay: UInt32 = 0,
        _ body: (PeerGroupCache, any EventLoop, Calls) throws -> Void
    ) throws {
        let group = MultiThreadedEventLoopGroup(numberOfThreads: 1)
        let pool = NIOThreadPool(numberOfThreads: 2)
        pool.start()
        defer {
            try? pool.syncShutdownGracefully()
            try? group.syncShutdownGracefully()
        }
        let calls = Calls()
        let fixedClock = clock
        let cache = PeerGroupCache(
            threadPool: pool, lifetime: lifetime,
            lookUp: { peer in
                calls.count.add(1, ordering: .relaxed)
                if MultiThreadedEventLoopGroup.currentEventLoop != nil { calls.onEventLoop.add(1, ordering: .relaxed) }
                if delay > 0 { usleep(delay) }
                return [peer.gid, 4242]
            },
            now: { fixedClock?.now.withLock { $0 } ?? .now() })
        try body(cache, group.next(), calls)
    }

    static let peer = PeerCredentials(pid: 1, uid: 1000, gid: 1000)

    @Test func aLookUpRunsOffTheLoopAndItsAnswerIsKept() throws {
        try Self.withCache { cache, loop, calls in
            // Asked from the loop, as the control handler asks.
            let first = try loop.flatSubmit { cache.groups(of: Self.peer, on: loop) }.wait()
            #expect(first == [1000, 4242])
            for _ in 0..<100 { _ = try loop.flatSubmit { cache.groups(of: Self.peer, on: loop) }.wait() }
            #expect(calls.count.load(ordering: .relaxed) == 1)
            #expect(calls.onEventLoop.load(ordering: .relaxed) == 0)
            _ = try cache.groups(of: PeerCredentials(pid: 2, uid: 1001, gid: 1001), on: loop).wait()
            #expect(calls.count.load(ordering: .relaxed) == 2)
        }
    }

    @Test func concurrentCallersShareOneLookUp() throws {
        try Self.withCache(delay: 200_000) { cache, loop, calls in
            let futures = try loop.submit { (0..<50).map { _ in cache.groups(of: Self.peer, on: loop) } }.wait()
            for future in futures { #expect(try future.wait() == [1000, 4242]) }
            #expect(calls.count.load(ordering: .relaxed) == 1)
        }
    }

    @Test func anExpiredAnswerIsLookedUpAgain() throws {
        let clock = Clock()
        try Self.withCache(lifetime: .seconds(30), clock: clock) { cache, loop, calls in
            _ = try cache.groups(of: Self.peer, on: loop).wait()
            clock.advance(.seconds(29))
            _ = try cache.groups(of: Self.peer, on: loop).wait()
            #expect(calls.count.load(ordering: .relaxed) == 1)
            clock.advance(.seconds(2))
            _ = try cache.groups(of: Self.peer, on: loop).wait()
            #expect(calls.count.load(ordering: .relaxed) == 2)
        }
    }

    @Test func theAuthorizerReadsGroupsOnlyWhenTheyCanMatter() {
        var config = DaemonConfig(
            configPath: "/c", deviceKeys: "k", certificate: "c", charter: "ch", passphraseFile: nil, stateDirectory: "s", socketPath: "x")
        let plain = Authorizer(config: config, daemonUID: 999)
        #expect(!plain.needsGroups(PeerCredentials(pid: 1, uid: 1000, gid: 1000)))
        config.readGIDs = [50]
        config.writeUIDs = [1001]
        let grouped = Authorizer(config: config, daemonUID: 999)
        #expect(grouped.needsGroups(PeerCredentials(pid: 1, uid: 1000, gid: 1000)))
        #expect(!grouped.needsGroups(PeerCredentials(pid: 1, uid: 0, gid: 0)))
        #expect(!grouped.needsGroups(PeerCredentials(pid: 1, uid: 999, gid: 999)))
        #expect(!grouped.needsGroups(PeerCredentials(pid: 1, uid: 1001, gid: 1001)))
    }
}
