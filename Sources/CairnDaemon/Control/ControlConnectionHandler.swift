import CairnControl
import NIOCore
import NIOHTTP1

/// What `ControlHandler` tells the connection about its requests (an outbound user event), so
/// that the deadlines follow the HTTP exchange.
enum ControlRequestEvent: Sendable {
    /// A complete head; `bodyBytes` is its Content-Length, or the route's limit when chunked.
    case head(bodyBytes: Int)
    case end
    case responseEnd(keepAlive: Bool)
    /// The connection became a change stream.
    case longLived
}

/// Who is calling and what it may do, sent up the pipeline (an inbound user event) once the
/// caller is admitted; no request is read before.
struct ControlCaller: Sendable {
    var peer: PeerCredentials
    var right: AccessRight
}

/// The first handler of a control connection, below HTTP: admits the caller under the
/// connection caps (or answers 503 and closes), holds reads until its right is known, and runs
/// `ControlConnectionStateMachine`'s deadlines on the channel's loop, answering 408 with raw
/// bytes when a request is cut (the HTTP layer above may hold half a head).
final class ControlConnectionHandler: ChannelDuplexHandler, RemovableChannelHandler {
    typealias InboundIn = ByteBuffer
    typealias InboundOut = ByteBuffer
    typealias OutboundIn = IOData
    typealias OutboundOut = IOData

    private let peer: PeerCredentials?
    private let gate: ControlGate
    private var machine: ControlConnectionStateMachine
    private var admitted = false
    private var identified = false
    private var readPending = false
    private var timer: Scheduled<Void>?

    /// `peer` is what SO_PEERCRED said (nil when it could not be read: the caller is refused).
    init(peer: PeerCredentials?, gate: ControlGate) {
        self.peer = peer
        self.gate = gate
        machine = ControlConnectionStateMachine(timing: gate.timing)
    }

    func channelActive(context: ChannelHandlerContext) {
        context.fireChannelActive()
        guard let peer else {
            gate.logger.warning("control.no_peer_credentials")
            gate.site.metrics.count("cairn_control_connections_refused_total", [("reason", "no_credentials")])
            refuse(.error(.forbidden, "the caller's identity could not be established"), context: context)
            return
        }
        if let refusal = gate.admit(peer) {
            refuse(.error(.tooManyConnections, gate.message(for: refusal, uid: peer.uid)), context: context)
            return
        }
        admitted = true
        let bound = NIOLoopBound((self, context), eventLoop: context.eventLoop)
        gate.right(of: peer, on: context.eventLoop).whenComplete { result in
            let (handler, context) = bound.value
            guard context.channel.isActive else { return }
            switch result {
            case .success(let right): handler.identify(ControlCaller(peer: peer, right: right), context: context)
            case .failure(let error):
                handler.gate.logger.warning("control.identity_failed", metadata: .error(error))
                context.close(promise: nil)
            }
        }
    }

    private func identify(_ caller: ControlCaller, context: ChannelHandlerContext) {
        identified = true
        context.fireUserInboundEventTriggered(caller)
        act(machine.identified(now: context.eventLoop.now), context: context)
        if readPending {
            readPending = false
            context.read()
        }
    }

    func read(context: ChannelHandlerContext) {
        guard identified else {
            readPending = true
            return
        }
        context.read()
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        act(machine.bytesReceived(now: context.eventLoop.now), context: context)
        context.fireChannelRead(data)
    }

    func write(context: ChannelHandlerContext, data: NIOAny, promise: EventLoopPromise<Void>?) {
        machine.responseBytesWritten()
        context.write(data, promise: promise)
    }

    func triggerUserOutboundEvent(context: ChannelHandlerContext, event: Any, promise: EventLoopPromise<Void>?) {
        guard let event = event as? ControlRequestEvent else {
            context.triggerUserOutboundEvent(event, promise: promise)
            return
        }
        let now = context.eventLoop.now
        switch event {
        case .head(let bodyBytes): act(machine.requestHead(bodyBytes: bodyBytes, now: now), context: context)
        case .end: act(machine.requestEnd(), context: context)
        case .responseEnd(let keepAlive): act(machine.responseEnd(keepAlive: keepAlive, now: now), context: context)
        case .longLived: act(machine.longLived(), context: context)
        }
        promise?.succeed(())
    }

    func channelInactive(context: ChannelHandlerContext) {
        act(machine.closed(), context: context)
        if admitted, let peer {
            admitted = false
            gate.release(peer)
        }
        context.fireChannelInactive()
    }

    private func act(_ action: ControlConnectionStateMachine.Action, context: ChannelHandlerContext) {
        switch action {
        case .none:
            return
        case .disarm:
            timer?.cancel()
            timer = nil
        case .arm(let deadline):
            timer?.cancel()
            let bound = NIOLoopBound((self, context), eventLoop: context.eventLoop)
            timer = context.eventLoop.scheduleTask(deadline: deadline) {
                let (handler, context) = bound.value
                handler.timer = nil
                handler.act(handler.machine.deadlinePassed(now: context.eventLoop.now), context: context)
            }
        case .close(let expiry, let answer408):
            timer?.cancel()
            timer = nil
            gate.site.metrics.count("cairn_control_connections_closed_total", [("reason", expiry.rawValue)])
            if expiry != .idleTimeout, let peer {
                gate.refused(kind: "control.connection_timed_out", uid: peer.uid, reason: expiry.rawValue)
            }
            if answer408 {
                refuse(.error(.requestTimeout, "the request did not arrive in time (\(expiry.rawValue)); send it whole and promptly"), context: context)
            } else {
                context.close(promise: nil)
            }
        }
    }

    /// Answers with raw bytes (nothing above has a request to answer) and closes.
    private func refuse(_ reply: ControlReply, context: ChannelHandlerContext) {
        let reason = HTTPResponseStatus(statusCode: reply.status).reasonPhrase
        var buffer = context.channel.allocator.buffer(capacity: 160 + reply.body.count)
        buffer.writeString(
            "HTTP/1.1 \(reply.status) \(reason)\r\ncontent-type: \(reply.contentType)\r\ncontent-length: \(reply.body.count)\r\nconnection: close\r\n\r\n")
        buffer.writeBytes(reply.body)
        let bound = NIOLoopBound(context, eventLoop: context.eventLoop)
        context.writeAndFlush(wrapOutboundOut(.byteBuffer(buffer))).whenComplete { _ in bound.value.close(promise: nil) }
    }
}
