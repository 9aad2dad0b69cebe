import CairnModel
import CairnTransport
import Foundation
import Logging
import NIOCore
import NIOPosix
import Synchronization

/// Keeps one configured peer connected: dials, waits for the connection to end, and dials again
/// after a backoff that doubles from 1 s to 60 s (with jitter) and resets once a connection got
/// as far as an admitted peer. A link refused for a lasting reason, by the peer or by this site
/// (revoked, certificate expired, a loop to itself: `lastingRefusals`), is dialled again only after an hour,
/// or at once after a restart: retrying every minute would change nothing but fill
/// the other site's audit log.
///
/// Each dialer is a child task of `SyncService.run()` (so of the daemon's service group): it
/// ends when the service stops (cancellation) or when `stop()` is called (the peer was removed
/// or changed). It waits only as a suspended task: on the backoff's clock, on its connection's
/// close, or on the close of the connection the peer opened to us.
final class PeerDialer: Sendable {
    let peer: PeerAddress
    /// "config" or "added".
    let source: String
    private unowned let service: SyncService
    /// Signalled once by `stop()`.
    private let stopped = AsyncSignal()
    /// The last failure, for `status`.
    let lastError = Mutex<String?>(nil)
    /// The device that answered the last admitted connection: while another connection to it
    /// is up (it dialled us), this dialer waits instead of opening a second one.
    let device = Mutex<DeviceID?>(nil)

    init(peer: PeerAddress, source: String, service: SyncService) {
        self.peer = peer
        self.source = source
        self.service = service
    }

    /// Dials until stopped or cancelled. Runs in a task group of its own, so that `stop()` can
    /// cancel the dialling loop (its sleep and its connection) without cancelling the service.
    func run() async {
        await withDiscardingTaskGroup { group in
            group.addTask { await self.loop() }
            await stopped.wait(after: 0)
            group.cancelAll()
        }
    }

    /// Ends `run()`: a connection it made is closed, a backoff is cut short.
    func stop() {
        stopped.signal()
    }

    /// Refusal codes that another dial cannot change: only an operator can (a new certificate,
    /// a corrected peer list, a fixed clock).
    static let lastingRefusals: Set<String> = ["revoked", "certificate_expired", "certificate_not_yet_valid", "self", "protocol_version"]
    /// The wait after a lasting refusal.
    static let lastingRefusalBackoff = 3600.0

    private func loop() async {
        var backoff = 1.0
        while !Task.isCancelled {
            if let known = device.withLock({ $0 }),
                let link = service.context.registry.links(of: known).first(where: { $0.channel.isActive })
            {
                // The peer is connected already (it dialled us): dial again once that connection
                // has closed (not ours to close when this dialer stops: only the wait ends).
                await Self.closed(link.channel)
                continue
            }
            let (admitted, refused) = await connectOnce()
            if admitted { backoff = 1.0 }
            guard !Task.isCancelled else { break }
            var delay = backoff * Double.random(in: 0.8...1.2)
            if let refused, Self.lastingRefusals.contains(refused) {
                delay = Self.lastingRefusalBackoff
                service.logger.warning(
                    "sync.dial_paused", metadata: ["peer": "\(peer.name)", "reason": "\(refused)", "seconds": "\(Int(delay))"])
                lastError.withLock { error in
                    error = (error ?? "refused by the peer (\(refused))") + "; not dialled again for an hour, or until a restart"
                }
            }
            // Throws only when the task is cancelled, which the loop's condition handles.
            try? await Task.sleep(for: .milliseconds(Int64(delay * 1000)))
            backoff = min(backoff * 2, 60)
        }
    }

    /// Returns once `channel` has closed, or when the task is cancelled.
    static func closed(_ channel: any Channel) async {
        let closed = AsyncSignal()
        // The close future fails only with the error the close ended with: closed either way.
        channel.closeFuture.whenComplete { _ in closed.signal() }
        await closed.wait(after: 0)
    }

    /// The channel `connecting` yields, or CancellationError as soon as the task is cancelled
    /// (a dial to an address that drops packets would otherwise hold the shutdown for the
    /// connect timeout); a connection made after that is closed at once.
    static func connected(_ connecting: EventLoopFuture<any Channel>) async throws -> any Channel {
        let done = AsyncSignal()
        connecting.whenComplete { _ in done.signal() }
        await done.wait(after: 0)
        guard !Task.isCancelled else {
            connecting.whenSuccess { $0.close(promise: nil) }
            throw CancellationError()
        }
        return try await connecting.get()
    }

    /// One connection, from dialling to its end. Returns whether the peer was admitted, and the
    /// code it gave if it refused this site.
    private func connectOnce() async -> (admitted: Bool, refused: String?) {
        let context = service.context, tls = service.clientTLS, options = service.transportOptions, name = peer.name
        let seen = LinkBox()
        let channel: any Channel
        do {
            let connecting = ClientBootstrap(group: service.group)
                .connectTimeout(.seconds(10))
                .channelInitializer { channel in
                    channel.eventLoop.makeCompletedFuture {
                        try TransportPipeline.configureSync(channel, context: tls, options: options)
                        try channel.pipeline.syncOperations.addHandler(LinkActivityHandler())
                        try channel.pipeline.syncOperations.addHandler(
                            SyncHandler(
                                context: context, direction: .outbound, configuredName: name,
                                deadline: .afterHandshake(options.handshakeTimeout),
                                onLink: { link in
                                    if let link { seen.link.withLock { $0 = link } }
                                }))
                    }
                }
                .connect(host: peer.host, port: peer.port)
            channel = try await Self.connected(connecting)
        } catch is CancellationError {
            return (false, nil)
        } catch {
            note("cannot connect to \(peer.address): \(error)", log: .error(error))
            return (false, nil)
        }
        // Closing the channel when the dialer stops ends the wait below.
        // Reached: the address it answers at has a configured peer's precedence at our gate.
        service.admission.notePeer(name, reachedAt: AdmissionSource.key(channel.remoteAddress))
        await withTaskCancellationHandler {
            // The close future fails only with the error the close ended with; either way the
            // connection is over, which is all this waits for (its errors were handled in the
            // pipeline).
            try? await channel.closeFuture.get()
        } onCancel: {
            channel.close(promise: nil)
        }
        let peerDevice = seen.link.withLock { $0?.peer?.deviceID }
        if let peerDevice { device.withLock { $0 = peerDevice } }
        let admitted = peerDevice != nil
        if admitted {
            note("the connection to \(peer.address) closed", log: ["reason": "closed"])
        } else {
            note(
                seen.link.withLock { $0?.closeReason } ?? "the connection to \(peer.address) ended before the peer was admitted (see the log)",
                log: ["reason": "not_admitted"])
        }
        return (admitted, seen.link.withLock { $0?.refusalCode })
    }

    /// Keeps `error` for the peers API; the log gets `log` (codes, never the text).
    private func note(_ error: String, log: Logger.Metadata) {
        lastError.withLock { $0 = error }
        service.logger.debug("sync.dial_failed", metadata: log.merging(["peer": "\(peer.name)"]) { _, new in new })
    }
}

/// The link a dial produced, kept after its channel closed.
final class LinkBox: Sendable {
    let link = Mutex<PeerLink?>(nil)
}
