import CairnTransport
import Logging
import NIOCore

/// The last handler of a sync connection's pipeline (after TLS, idle handling and framing):
/// creates the `PeerLink` once the TLS handshake names the peer's key, then hands it every
/// frame.
final class SyncHandler: ChannelInboundHandler, @unchecked Sendable {
    typealias InboundIn = ByteBuffer

    /// When a peer that has not been admitted is disconnected.
    enum HelloDeadline: Sendable {
        /// This long after the TLS handshake completed (a connection this site dialled).
        case afterHandshake(TimeAmount)
        /// At this moment, whatever stage the connection is in (an accepted connection: from
        /// its arrival, so that it holds its admission slot no longer than the timeout).
        case at(NIODeadline, timeout: TimeAmount)
    }

    private let context: SyncContext
    private let direction: PeerLink.Direction
    private let configuredName: String?
    private let onLink: @Sendable (PeerLink?) -> Void
    private let deadline: HelloDeadline
    private let onAdmitted: @Sendable () -> Void
    private var link: PeerLink?
    private var admitted = false
    /// The remote source (see `AdmissionSource`), read while the channel is open: a closed
    /// channel no longer knows its remote address, and failures are reported as it closes.
    private var source = AdmissionSource.unknown

    /// `onLink` hears of the link when it is created, and nil when the connection ends;
    /// `onAdmitted` hears once that the peer's Hello was admitted. A peer that has not been
    /// admitted by `deadline` is disconnected.
    init(
        context: SyncContext, direction: PeerLink.Direction, configuredName: String?, deadline: HelloDeadline,
        onLink: @escaping @Sendable (PeerLink?) -> Void = { _ in },
        onAdmitted: @escaping @Sendable () -> Void = {}
    ) {
        self.context = context
        self.direction = direction
        self.configuredName = configuredName
        self.deadline = deadline
        self.onLink = onLink
        self.onAdmitted = onAdmitted
    }

    func handlerAdded(context channelContext: ChannelHandlerContext) {
        noteSource(channelContext)
        guard case .at(let moment, let timeout) = deadline else { return }
        channelContext.eventLoop.assumeIsolated().scheduleTask(deadline: moment) {
            self.deadlinePassed(context: channelContext, timeout: timeout)
        }
    }

    func channelActive(context channelContext: ChannelHandlerContext) {
        noteSource(channelContext)
        channelContext.fireChannelActive()
    }

    private func noteSource(_ channelContext: ChannelHandlerContext) {
        guard source == AdmissionSource.unknown else { return }
        source = AdmissionSource.key(channelContext.remoteAddress)
    }

    func userInboundEventTriggered(context channelContext: ChannelHandlerContext, event: Any) {
        if let completed = event as? TLSHandshakeCompleted {
            noteSource(channelContext)
            let link = PeerLink(
                channel: channelContext.channel, direction: direction, configuredName: configuredName,
                tlsKey: completed.peer.publicKey, source: source, context: context)
            self.link = link
            onLink(link)
            link.start()
            if case .afterHandshake(let timeout) = deadline {
                channelContext.eventLoop.assumeIsolated().scheduleTask(in: timeout) {
                    self.deadlinePassed(context: channelContext, timeout: timeout)
                }
            }
        }
        channelContext.fireUserInboundEventTriggered(event)
    }

    /// The Hello deadline: a connection not admitted by now is closed, and counted and audited
    /// (aggregated: only strangers get this far) as a Hello timeout, or as a handshake timeout
    /// if TLS has not even completed.
    private func deadlinePassed(context channelContext: ChannelHandlerContext, timeout: TimeAmount) {
        guard !admitted, channelContext.channel.isActive else { return }
        guard let link else {
            errorCaught(context: channelContext, error: TransportError.handshakeTimedOut(milliseconds: timeout.nanoseconds / 1_000_000))
            return
        }
        guard !link.isAdmitted else { return }
        context.auditor.stranger("sync.handshake_failed", reason: "hello_timeout", source: link.source)
        link.close(reason: "no acceptable Hello within \(timeout.nanoseconds / 1_000_000) ms", code: "hello_timeout")
    }

    func channelRead(context channelContext: ChannelHandlerContext, data: NIOAny) {
        var buffer = unwrapInboundIn(data)
        guard let link else {
            // Frames before the handshake completed cannot happen with TLS in front; refuse.
            channelContext.close(promise: nil)
            return
        }
        link.receive(buffer.readBytes(length: buffer.readableBytes) ?? [])
        if !admitted, link.isAdmitted {
            admitted = true
            onAdmitted()
        }
    }

    func channelInactive(context channelContext: ChannelHandlerContext) {
        if let link {
            if context.registry.remove(link), let peer = link.peer {
                context.site.noteConnection(of: peer.deviceID, connected: false)
            }
            link.closed()
            if link.isAdmitted {
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
        let code: String
        if let transport = error as? TransportError { code = transport.metricCode } else { code = "io" }
        context.metrics.count("cairn_sync_connection_errors_total", [("reason", code)])
        defer { channelContext.close(promise: nil) }
        guard let link, let peer = link.peer else {
            // Failed before the peer was admitted: a handshake failure. On an accepted
            // connection anyone who reaches the port can cause it at will, so it is logged at
            // debug level; a dial of ours fails at the dialer's pace and is worth a warning.
            if let configuredName {
                context.logger.warning("sync.connection_error", metadata: .error(error, ["peer": "\(configuredName)"]))
            } else {
                context.logger.debug("sync.connection_error", metadata: .error(error, ["remote": "\(source)"]))
            }
            context.auditor.stranger("sync.handshake_failed", reason: code, source: source, detail: "\(error)")
            return
        }
        context.logger.warning("sync.connection_error", metadata: .error(error, ["peer": "\(peer.ref)"]))
        if Self.isViolation(error) {
            // An admitted peer broke the transport's rules (an oversized frame, corrupt records).
            context.auditor.append("sync.peer_refused", actor: "peer:\(peer.ref)", detail: ["reason": code, "detail": "\(error)"])
        } else if case .idleTimeout = error as? TransportError {
            // Admitted, then silent for the whole idle timeout although links keep themselves busy
            // with rounds: a stalled peer (or one that stopped reading). Not a proven attack, but
            // the connection it held is dropped, and that is kept on record.
            context.auditor.append("sync.peer_dropped", actor: "peer:\(peer.ref)", detail: ["reason": code])
        }
    }
}
