import Foundation
import Logging
import NIOCore
import NIOHTTP1
import NIOPosix
import ServiceLifecycle

/// The control API's listener on a Unix socket, run as a lifecycle service: it binds (replacing
/// a stale socket left by a crashed run, never a live one), serves until graceful shutdown, then
/// stops accepting, lets in-flight requests finish, and removes its socket.
///
/// Budgets (Docs/ThreatModel.md, "Local callers"): every connection passes `ControlGate`'s caps
/// when SO_PEERCRED is read, and `ControlConnectionHandler`'s deadlines; the total cap is fitted
/// under the open-file limit so that the store and sync keep their descriptors; and an accept
/// that fails for want of descriptors or memory backs off instead of spinning.
final class ControlServer: Service, Sendable {
    let socketPath: String
    let api: ControlAPI
    let authorizer: Authorizer
    let limits: ControlLimits
    let group: MultiThreadedEventLoopGroup
    let threadPool: NIOThreadPool
    let logger: Logger
    /// Called once the socket is listening (readiness notification).
    let onReady: @Sendable () -> Void
    /// Called when graceful shutdown begins.
    let onStopping: @Sendable () -> Void

    init(
        socketPath: String, api: ControlAPI, authorizer: Authorizer, limits: ControlLimits = ControlLimits(),
        group: MultiThreadedEventLoopGroup, threadPool: NIOThreadPool, logger: Logger,
        onReady: @escaping @Sendable () -> Void = {}, onStopping: @escaping @Sendable () -> Void = {}
    ) {
        self.socketPath = socketPath
        self.api = api
        self.authorizer = authorizer
        self.limits = limits
        self.group = group
        self.threadPool = threadPool
        self.logger = logger
        self.onReady = onReady
        self.onStopping = onStopping
    }

    func run() async throws {
        try SocketFile.prepare(socketPath, logger: logger)
        let pending = socketPath + ".new"
        guard pending.utf8.count < SocketFile.maxPathBytes else {
            throw DaemonError.socket(
                path: socketPath, reason: "the path is too long for a Unix socket (at most \(SocketFile.maxPathBytes - 5) bytes)")
        }
        let gate = ControlGate(
            limits: Self.fitted(limits, logger: logger), authorizer: authorizer, site: api.site, threadPool: threadPool, logger: logger)
        let api = self.api, threadPool = self.threadPool, logger = self.logger
        let channel: any Channel
        do {
            channel = try await ServerBootstrap(group: group)
            .serverChannelOption(.backlog, value: 512)
            .serverChannelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.addHandler(ControlAcceptBackoff.handler())
                    try channel.pipeline.syncOperations.addHandler(ControlAcceptErrorCounter(metrics: api.site.metrics, logger: logger))
                }
            }
            .childChannelInitializer { channel in
                // SO_PEERCRED is read at once on the channel's own loop; a failure leaves the
                // caller unknown, and `ControlConnectionHandler` refuses it.
                PeerCredentialReader.read(channel).map { Optional($0) }.recover { _ in nil }.flatMapThrowing { peer in
                    let pipeline = channel.pipeline.syncOperations
                    try pipeline.addHandler(ControlConnectionHandler(peer: peer, gate: gate))
                    try pipeline.configureHTTPServerPipeline(withErrorHandling: true)
                    try pipeline.addHandler(ControlHandler(api: api, gate: gate, threadPool: threadPool, logger: logger))
                }
            }
            .bind(unixDomainSocketPath: pending, cleanupExistingSocketFile: true).get()
        } catch {
            throw DaemonError.socket(path: socketPath, reason: "cannot bind \(pending): \(error)")
        }
        // Group may connect (the gid decides read or write); others may not even connect. The
        // socket is bound under another name and renamed once its mode is set, so that nobody
        // ever finds it at `socketPath` with the mode the umask gave it (a client could connect
        // in that window, and a chmod that follows the daemon's would be undone by it).
        guard chmod(pending, 0o660) == 0, rename(pending, socketPath) == 0 else {
            let reason = String(cString: strerror(errno))
            // Closing is all that is left to do: the error reported is the one above.
            try? await channel.close()
            unlink(pending)
            throw DaemonError.socket(path: socketPath, reason: "cannot set up the socket file: \(reason)")
        }
        logger.info(
            "control.listening",
            metadata: [
                "control.socket": "\(socketPath)", "control.max_connections": "\(gate.limits.maxConnections)",
                "control.max_connections_per_uid": "\(gate.limits.maxConnectionsPerUID)",
            ])
        // Refusals are audited once per window and kind; the counts of each window follow it.
        let flush = channel.eventLoop.scheduleRepeatedTask(initialDelay: ControlGate.refusalWindow, delay: ControlGate.refusalWindow) { _ in
            gate.flushRefusals()
        }
        onReady()
        // Closed on graceful shutdown, and also when the group is cancelled because another
        // service failed (otherwise the daemon would wait on this socket forever).
        await withTaskCancellationOrGracefulShutdownHandler {
            try? await channel.closeFuture.get()
        } onCancelOrGracefulShutdown: { [onStopping] in
            onStopping()
            channel.close(promise: nil)
        }
        flush.cancel()
        gate.flushRefusals()
        unlink(socketPath)
        logger.info("control.stopped")
    }

    /// `limits` lowered to fit the process's open-file limit (RLIMIT_NOFILE), with a notice when
    /// the configured caps do not fit.
    static func fitted(_ limits: ControlLimits, logger: Logger) -> ControlLimits {
        var limit = rlimit()
        guard getrlimit(Int32(RLIMIT_NOFILE.rawValue), &limit) == 0 else { return limits }
        let open = limit.rlim_cur == rlim_t.max ? Int(Int32.max) : Int(clamping: limit.rlim_cur)
        let fitted = limits.fitted(toOpenFileLimit: open)
        if fitted != limits {
            logger.notice(
                "control.connection_cap_lowered",
                metadata: [
                    "limit.open_files": "\(open)", "control.max_connections": "\(fitted.maxConnections)",
                    "control.max_connections_per_uid": "\(fitted.maxConnectionsPerUID)",
                ])
        }
        return fitted
    }
}

/// Stale-socket handling: a socket file nobody answers on is left over from a crash and is
/// removed; one that answers belongs to a running daemon and is left alone.
enum SocketFile {
    /// Room in `sockaddr_un.sun_path`, the terminating zero included.
    static let maxPathBytes = MemoryLayout.size(ofValue: sockaddr_un().sun_path)

    static func prepare(_ path: String, logger: Logger) throws {
        var info = stat()
        guard lstat(path, &info) == 0 else { return }
        guard info.st_mode & S_IFMT == S_IFSOCK else {
            throw DaemonError.socket(path: path, reason: "a file that is not a socket is in the way; remove it")
        }
        if isLive(path) { throw DaemonError.socketInUse(path: path) }
        logger.notice("control.stale_socket_removed", metadata: ["control.socket": "\(path)"])
        guard unlink(path) == 0 else {
            throw DaemonError.socket(path: path, reason: "cannot remove the stale socket: \(String(cString: strerror(errno)))")
        }
    }

    static func isLive(_ path: String) -> Bool {
        let fd = socket(AF_UNIX, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { return false }
        defer { close(fd) }
        var address = sockaddr_un()
        address.sun_family = sa_family_t(AF_UNIX)
        let bytes = Array(path.utf8)
        guard bytes.count < MemoryLayout.size(ofValue: address.sun_path) else { return false }
        withUnsafeMutableBytes(of: &address.sun_path) { raw in
            raw.copyBytes(from: bytes)
        }
        let result = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_un>.size)) }
        }
        return result == 0
    }
}
