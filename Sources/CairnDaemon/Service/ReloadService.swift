import Logging
import NIOPosix
import ServiceLifecycle
import UnixSignals

/// `SIGHUP` as a lifecycle service: each signal reloads what can change without a restart
/// (`[peers]`). Reading the configuration file is blocking work, so the reload runs on the
/// thread pool; between signals the service waits as a suspended task, and graceful shutdown
/// ends the wait.
struct ReloadService: Service {
    /// Made before the service group starts, so that SIGHUP is trapped (not fatal) from then on.
    let signals: UnixSignalsSequence
    let threadPool: NIOThreadPool
    let logger: Logger
    let reload: @Sendable () -> Void

    /// Traps SIGHUP from now on.
    static func trap() async -> UnixSignalsSequence {
        await UnixSignalsSequence(trapping: .sighup)
    }

    func run() async {
        for await _ in signals.cancelOnGracefulShutdown() {
            logger.info("daemon.reload", metadata: ["signal": "SIGHUP"])
            do {
                try await threadPool.runIfActive { reload() }
            } catch {
                // The pool stops only after the service group: a reload during shutdown is moot.
                logger.notice("daemon.reload_skipped", metadata: .error(error))
            }
        }
    }
}
