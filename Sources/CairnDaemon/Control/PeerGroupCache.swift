import NIOCore
import NIOPosix
import Synchronization

/// Supplementary groups of control callers, looked up on the thread pool and kept briefly.
///
/// `getpwuid_r` and `getgrouplist` go through NSS, which may wait on files, nscd, sssd or LDAP:
/// the event loop never calls them. A look-up already running for a caller is shared, and its
/// answer is kept for `lifetime` (30 s by default) per uid and gid, so a flood of connections
/// from one uid costs one look-up, and a change to the group database is seen within that time.
final class PeerGroupCache: Sendable {
    private struct Key: Hashable {
        var uid: UInt32
        var gid: UInt32
    }

    private enum Entry {
        case ready([UInt32], expires: NIODeadline)
        case pending(EventLoopFuture<[UInt32]>)
    }

    private let threadPool: NIOThreadPool
    private let lifetime: TimeAmount
    private let capacity: Int
    private let lookUp: @Sendable (PeerCredentials) -> [UInt32]
    private let now: @Sendable () -> NIODeadline
    private let entries = Mutex<[Key: Entry]>([:])

    init(
        threadPool: NIOThreadPool, lifetime: TimeAmount = .seconds(30), capacity: Int = 4096,
        lookUp: @escaping @Sendable (PeerCredentials) -> [UInt32] = { $0.supplementaryGroups() },
        now: @escaping @Sendable () -> NIODeadline = { .now() }
    ) {
        self.threadPool = threadPool
        self.lifetime = lifetime
        self.capacity = capacity
        self.lookUp = lookUp
        self.now = now
    }

    /// The groups of `peer`'s user, completed on `eventLoop`: at once from the cache, else when
    /// the thread pool has looked them up.
    func groups(of peer: PeerCredentials, on eventLoop: any EventLoop) -> EventLoopFuture<[UInt32]> {
        let key = Key(uid: peer.uid, gid: peer.gid)
        let moment = now()
        let (cached, started) = entries.withLock { entries -> (EventLoopFuture<[UInt32]>?, EventLoopPromise<[UInt32]>?) in
            switch entries[key] {
            case .ready(let groups, let expires) where expires > moment:
                return (eventLoop.makeSucceededFuture(groups), nil)
            case .pending(let future):
                return (future.hop(to: eventLoop), nil)
            default:
                if entries.count >= capacity { Self.evict(&entries, now: moment, capacity: capacity) }
                let promise = eventLoop.makePromise(of: [UInt32].self)
                entries[key] = .pending(promise.futureResult)
                return (nil, promise)
            }
        }
        if let cached { return cached }
        guard let promise = started else { preconditionFailure("neither cached nor started") }
        let lookUp = self.lookUp
        threadPool.runIfActive(eventLoop: eventLoop) { lookUp(peer) }.whenComplete { result in
            self.entries.withLock { entries in
                switch result {
                case .success(let groups): entries[key] = .ready(groups, expires: self.now() + self.lifetime)
                // Not kept: the next connection tries again (the pool may be shutting down).
                case .failure: entries[key] = nil
                }
            }
            promise.completeWith(result)
        }
        return promise.futureResult
    }

    /// Drops expired answers, and if that frees nothing, every finished one: the cache stays
    /// bounded whatever the number of uids that connect.
    private static func evict(_ entries: inout [Key: Entry], now: NIODeadline, capacity: Int) {
        entries = entries.filter { _, entry in
            if case .ready(_, let expires) = entry { return expires > now }
            return true
        }
        guard entries.count >= capacity else { return }
        entries = entries.filter { _, entry in
            if case .pending = entry { return true }
            return false
        }
    }
}
