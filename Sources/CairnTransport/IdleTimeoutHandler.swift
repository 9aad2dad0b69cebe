import NIOCore

/// Closes the channel when NIO's `IdleStateHandler` (placed just before it) reports that nothing
/// was read for the idle timeout, after passing on `TransportError.idleTimeout`.
///
/// A dead peer behind a silent network (a laptop that lost its link, a dropped NAT mapping) is
/// otherwise only noticed by TCP after many minutes; the daemon sends keep-alive frames more often
/// than the timeout, so a live connection never trips it.
final class IdleTimeoutHandler: ChannelInboundHandler, RemovableChannelHandler {
    typealias InboundIn = NIOAny

    private let timeout: TimeAmount

    init(timeout: TimeAmount) {
        self.timeout = timeout
    }

    func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
        guard let idle = event as? IdleStateHandler.IdleStateEvent, idle == .read else {
            context.fireUserInboundEventTriggered(event)
            return
        }
        context.fireErrorCaught(TransportError.idleTimeout(milliseconds: timeout.nanoseconds / 1_000_000))
        context.close(promise: nil)
    }
}

@available(*, unavailable)
extension IdleTimeoutHandler: Sendable {}

/// The last of the transport's handlers: passes every error on, then closes the channel, so that
/// a failure anywhere in the stack (an oversized frame, a refused write) ends the connection
/// rather than leaving it half-working.
final class CloseOnErrorHandler: ChannelInboundHandler, RemovableChannelHandler {
    typealias InboundIn = NIOAny

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        context.fireErrorCaught(error)
        context.close(promise: nil)
    }
}

@available(*, unavailable)
extension CloseOnErrorHandler: Sendable {}
