import Logging
import NIOCore
import NIOPosix
import ServiceLifecycle

/// Pings the systemd watchdog at half its interval, but only while the daemon can still do
/// work: each ping first runs a trivial job on the blocking thread pool and a read of the store,
/// so a wedged pool or store stops the pings and systemd restarts the daemon.
struct WatchdogService: Service {
    let interval: Duration
    let notifier: SystemdNotifier
    let threadPool: NIOThreadPool
    let site: Site
    let logger: Logger

    func run() async throws {
        let period = interval / 2
        logger.info("watchdog.enabled", metadata: ["watchdog.interval": "\(interval)"])
        while !Task.isCancelled && !Task.isShuttingDownGracefully {
            do {
                try await threadPool.runIfActive { _ = try site.database.meta(MetaKey.device) }
                notifier.notify("WATCHDOG=1")
            } catch {
                logger.error("watchdog.check_failed", metadata: .error(error))
            }
            // Throws only when cancelled or shutting down, which the loop condition checks.
            try? await cancelWhenGracefulShutdown { try await Task.sleep(for: period) }
        }
    }
}
