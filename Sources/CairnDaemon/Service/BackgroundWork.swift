import Logging
import NIOPosix
import ServiceLifecycle

/// The site's background work as one lifecycle service: the backlog drain, the withdrawal drain
/// and, once the control socket serves, the store check, each a child task of `run()`.
///
/// The drains sleep on their wake-up streams between passes and the check runs on a low-priority
/// pool of its own, so no task of this service holds a thread of the cooperative pool or of the
/// shared `NIOThreadPool` while it waits. Graceful shutdown cancels them all: a drain stops after
/// the group it is committing, the check at its next delta; `run()` returns once they have, so
/// the daemon closes the store only after the last group.
struct BackgroundWork: Service {
    let site: Site
    let threadPool: NIOThreadPool
    /// Signalled by the control server once it serves; the store check starts then.
    let ready: AsyncSignal

    /// Marks the store check as scheduled (so `status` says `checking` from the first request on).
    init(site: Site, threadPool: NIOThreadPool, ready: AsyncSignal) {
        self.site = site
        self.threadPool = threadPool
        self.ready = ready
        site.storeCheck.schedule()
    }

    func run() async {
        await withDiscardingTaskGroup { group in
            group.addTask { await site.backlog.run(site, threadPool: threadPool) }
            group.addTask { await site.withdrawalDrain.run(site) }
            group.addTask {
                await ready.wait(after: 0)
                guard !Task.isCancelled else { return }
                await site.storeCheck.runInBackground(site)
            }
            // Throws only when the group is cancelled, which cancels the children as well.
            try? await gracefulShutdown()
            group.cancelAll()
        }
        site.logger.debug("daemon.background_stopped")
    }
}
