import Foundation
import Logging
import NIOCore
import NIOPosix
import ServiceLifecycle

/// The daemon's entry point: loads the site and serves the control API until SIGTERM or SIGINT,
/// then shuts down gracefully (in-flight requests finish, the socket is removed).
public enum Daemon {
    /// Runs the site configured in `configPath` until a termination signal.
    public static func run(configPath: String) async throws {
        let config = try DaemonConfig.load(path: configPath)
        let logger = makeLogger(level: config.logLevel)
        // Every problem at once, before anything is created or written.
        let checked = StartupCheck.run(config, forStart: true)
        guard checked.problems.isEmpty else { throw DaemonError.config(path: configPath, problems: checked.problems) }
        var loader = SiteLoader(config: config, logger: logger)
        loader.keys = checked.keys
        let site = try loader.load()
        let group = MultiThreadedEventLoopGroup(numberOfThreads: 1)
        // Blocking store work runs here; writers waiting on a commit group hold a thread each, so the
        // pool is larger than the core count to let groups form.
        let threadPool = NIOThreadPool(numberOfThreads: 16)
        threadPool.start()
        let notifier = SystemdNotifier()
        let sync = try SyncService(config: config, site: site, group: group, threadPool: threadPool, logger: logger)
        do {
            try await sync.bind()
        } catch {
            // Clean-up on the way out of a start that failed: the bind error is what is thrown.
            try? await threadPool.shutdownGracefully()
            try? await group.shutdownGracefully()
            try? site.database.close()
            throw error
        }
        // Keys held but not yet granted to known devices (say, after a crash) are granted now.
        try site.keys.learn([], from: "daemon")
        // Trapped from here on: a SIGHUP before the service group runs waits for it.
        let reload = ReloadService(signals: await ReloadService.trap(), threadPool: threadPool, logger: logger) {
            sync.reloadPeers()
        }
        let ready = AsyncSignal()
        let background = BackgroundWork(site: site, threadPool: threadPool, ready: ready)
        let server = ControlServer(
            socketPath: config.socketPath, api: ControlAPI(site: site, logger: logger, sync: sync),
            authorizer: Authorizer(config: config), limits: config.controlLimits, group: group, threadPool: threadPool, logger: logger,
            onReady: {
                logger.info("daemon.ready", metadata: ["device.ref": "\(site.identity.ref)"])
                notifier.notify("READY=1\nSTATUS=serving \(site.identity.ref)")
                // The store check starts now (the drains run from the start: a backlog or a
                // retroactive revocation left half done by a stop or crash is finished first).
                ready.signal()
            },
            onStopping: { notifier.notify("STOPPING=1") })
        // Shut down in reverse order: background work and SIGHUP first, sync last.
        var services: [ServiceGroupConfiguration.ServiceConfiguration] = [.init(service: sync), .init(service: server)]
        if let interval = SystemdNotifier.watchdogInterval() {
            services.append(
                .init(service: WatchdogService(interval: interval, notifier: notifier, threadPool: threadPool, site: site, logger: logger)))
        }
        services.append(.init(service: background))
        services.append(.init(service: reload))
        let serviceGroup = ServiceGroup(
            configuration: .init(
                services: services,
                gracefulShutdownSignals: [.sigterm, .sigint],
                logger: logger))
        do {
            try await serviceGroup.run()
        } catch {
            // Clean-up on the way out: the service group's error is what is thrown.
            try? await threadPool.shutdownGracefully()
            try? await group.shutdownGracefully()
            throw error
        }
        // Every task of the group has ended (the drains after their last group): the pool, the
        // loop and the store can go.
        try await threadPool.shutdownGracefully()
        try await group.shutdownGracefully()
        site.audit.closeAuditLog()
        try site.database.close()
        logger.info("daemon.stopped")
    }

    /// Checks a configuration file and what a start needs, and returns every problem (empty
    /// when it is valid) and what could not be checked here (see `StartupCheck`).
    public static func checkConfig(path: String) -> (problems: [String], notes: [String]) {
        do {
            let checked = StartupCheck.run(try DaemonConfig.load(path: path), forStart: false)
            return (checked.problems.map(\.description), checked.notes)
        } catch DaemonError.config(_, let problems) {
            return (problems.map(\.description), [])
        } catch {
            return (["\(error)"], [])
        }
    }

    public static func makeLogger(level: Logger.Level) -> Logger {
        var logger = Logger(label: "cairnd") { label in LogfmtHandler(label: label, level: level) }
        logger.logLevel = level
        return logger
    }
}
