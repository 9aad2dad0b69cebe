import CairnTransport
import Logging
import NIOCore

/// The last handler of a sync connection's pipeline (after TLS, idle handling and framing):
/// creates the `PeerLink` once the TLS handshake names the peer's key, then hands it every
/// frame.
final class SyncHandler: ChannelInboundHandler, @unchecked Sendable {
    typealias InboundIn = ByteBuffer

    private let context: SyncContext
    private let direction: PeerLink.Direction
    private let configuredName: String?
    private let onLink: @Sendable (PeerLink?) -> Void
    private let helloTimeout: TimeAmount
    private let onHelloDeadline: @Sendable (_ admitted: Bool) -> Void
    private var link: PeerLink?

    /// `onLink` hears of the link when it is created, and nil when the connection ends. A peer
    /// that has not been admitted `helloTimeout` after the TLS handshake is disconnected;
    /// `onHelloDeadline` hears at that moment whether it was.
    init(
        context: SyncContext, direction: PeerLink.Direction, configuredName: String?, helloTimeout: TimeAmount,
        onLink: @escaping @Sendable (PeerLink?) -> Void = { _ in },
        onHelloDeadline: @escaping @Sendable (_ admitted: Bool) -> Void = { _ in }
    ) {
        self.context = context
        self.direction = direction
        self.configuredName = configuredName
        self.helloTimeout = helloTimeout
        self.onLink = onLink
        self.onHelloDeadline = onHelloDeadline
    }

    func userInboundEventTriggered(context channelContext: ChannelHandlerContext, event: Any) {
        if let completed = event as? TLSHandshakeCompleted {
            let link = PeerLink(
                channel: channelContext.channel, direction: direction, configuredName: configuredName,
                tlsKey: completed.peer.publicKey, context: context)
            self.link = link
            onLink(link)
            link.start()
            let context = self.context, onHelloDeadline = self.onHelloDeadline, timeout = helloTimeout
            channelContext.eventLoop.scheduleTask(in: timeout) {
                let admitted = link.peer != nil
                onHelloDeadline(admitted)
                guard !admitted, link.channel.isActive else { return }
                context.metrics.count("cairn_sync_connections_refused_total", [("reason", "hello_timeout")])
                let site = context.site, peer = link.name
                context.threadPool.submit { _ in
                    try? site.audit("sync.handshake_failed", actor: "remote:\(peer)", detail: ["reason": "hello_timeout"])
                }
                link.close(reason: "no acceptable Hello within \(timeout.nanoseconds / 1_000_000) ms", code: "hello_timeout")
            }
        }
        channelContext.fireUserInboundEventTriggered(event)
    }

    func channelRead(context channelContext: ChannelHandlerContext, data: NIOAny) {
        var buffer = unwrapInboundIn(data)
        guard let link else {
            // Frames before the handshake completed cannot happen with TLS in front; refuse.
            channelContext.close(promise: nil)
            return
        }
        link.receive(buffer.readBytes(length: buffer.readableBytes) ?? [])
    }

    func channelInactive(context channelContext: ChannelHandlerContext) {
        if let link {
            context.registry.remove(link)
            link.closed()
            if link.peer != nil {
                context.logger.info("sync.peer_disconnected", metadata: ["peer": "\(link.name)"])
            }
        }
        onLink(nil)
        channelContext.fireChannelInactive()
    }

    /// Transport errors that a well-behaved peer never causes (timeouts and closes are normal).
    static func isViolation(_ error: any Error) -> Bool {
        guard let transport = error as? TransportError else { return false }
        switch transport {
        case .idleTimeout, .connectionClosed, .handshakeTimedOut: return false
        default: return true
        }
    }

    func errorCaught(context channelContext: ChannelHandlerContext, error: any Error) {
        let peer = link?.name ?? configuredName ?? "\(channelContext.remoteAddress.map { "\($0)" } ?? "unknown")"
        context.logger.warning("sync.connection_error", metadata: .error(error, ["peer": "\(peer)"]))
        let code: String
        if let transport = error as? TransportError { code = transport.metricCode } else { code = "io" }
        context.metrics.count("cairn_sync_connection_errors_total", [("reason", code)])
        let site = context.site
        if link?.peer == nil {
            // Failed before the peer was admitted: a handshake failure, audited.
            context.threadPool.submit { _ in
                try? site.audit("sync.handshake_failed", actor: "remote:\(peer)", detail: ["reason": code, "detail": "\(error)"])
            }
        } else if Self.isViolation(error) {
            // An admitted peer broke the transport's rules (an oversized frame, corrupt records).
            context.threadPool.submit { _ in
                try? site.audit("sync.peer_refused", actor: "peer:\(peer)", detail: ["reason": code, "detail": "\(error)"])
            }
        } else if case .idleTimeout = error as? TransportError {
            // Admitted, then silent for the whole idle timeout although links keep themselves busy
            // with rounds: a stalled peer (or one that stopped reading). Not a proven attack, but
            // the connection it held is dropped, and that is kept on record.
            context.threadPool.submit { _ in
                try? site.audit("sync.peer_dropped", actor: "peer:\(peer)", detail: ["reason": code])
            }
        }
        channelContext.close(promise: nil)
    }
}
